"""Ship the top-level resources/ folder inside the wheel as wsjc_desktop/_resources."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithResources(build_py):  # type: ignore[misc]
    def run(self) -> None:
        super().run()
        src = Path(__file__).parent / "resources"
        dst = Path(self.build_lib) / "wsjc_desktop" / "_resources"
        for path in src.rglob("*"):
            if path.is_file():
                target = dst / path.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": BuildWithResources})
