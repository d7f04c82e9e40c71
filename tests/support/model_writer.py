"""A process saving a model through the registry that stops half-way until told to go on.

    python -m tests.support.model_writer MODEL_DIR NAME pickle|metadata

It prints ``paused`` and waits for a line on stdin either while the model file is being written
(``pickle``: its locked temporary file exists) or after the model file is in place but before
its metadata is written (``metadata``). A test then looks at the registry, kills the process
(SIGKILL) or lets it finish; it prints ``saved PATH`` when done.
"""

import sys
from pathlib import Path

from jinlotto.registry import store


def pause() -> None:
    print("paused", flush=True)
    sys.stdin.readline()


class PausingPickle:
    """Pickles as a small dict, pausing first (the registry's temporary file is open)."""

    def __reduce__(self) -> tuple[type[dict[str, int]], tuple[dict[str, int]]]:
        pause()
        return dict, ({"v": 1},)


class PausingText:
    """Written into metadata as text, pausing first (the model file is already in place)."""

    def __str__(self) -> str:
        pause()
        return "resumed"


def main() -> None:
    model_dir, name, stage = sys.argv[1:4]
    if stage == "pickle":
        path = store.save_model(PausingPickle(), name, {}, model_dir=Path(model_dir))
    else:
        path = store.save_model({"v": 1}, name, {"note": PausingText()}, model_dir=Path(model_dir))
    print(f"saved {path}", flush=True)


if __name__ == "__main__":
    main()
