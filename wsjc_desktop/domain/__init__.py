"""The record model and its rules. Imports no Qt."""
