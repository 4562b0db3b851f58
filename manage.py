#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    # A command's own output (`create_exercise --json`, `simulate --json`) is on standard
    # output; its log lines go to standard error, out of the way of a program reading it.
    os.environ.setdefault("WARGAME_LOG_STREAM", "stderr")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
