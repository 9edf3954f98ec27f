"""Exchange between the group's PCs: the encrypted exchange package (``*.wsjcx``) on a USB stick."""
