"""The network file: read (YAML with line numbers), validated into frozen dataclasses, and
written back. Nothing past this package sees raw YAML."""
