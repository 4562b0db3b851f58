#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks."""

import gc
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    # A command's own output (`create_exercise --json`, `simulate --json`) is on standard
    # output; its log lines go to standard error, out of the way of a program reading it.
    os.environ.setdefault("WARGAME_LOG_STREAM", "stderr")
    if sys.argv[1:2] == ["simulate"]:
        # `simulate` is engine work alone (no database, no apps): Django's set-up, which
        # imports every app and the job queue's clients, was a third of its start-up
        # (benchmarks/README.md). The command runs as Django would run it, without that.
        # Imports make some 60,000 objects that live as long as the process; the collector
        # would walk them again and again while they are made, and in every later full
        # collection (in forked workers too). Frozen, it leaves them be: 5% of the start-up.
        gc.disable()
        from exercises.management.commands.simulate import Command

        gc.freeze()
        gc.enable()
        Command().run_from_argv(sys.argv)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
