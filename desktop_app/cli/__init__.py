"""The command line (``fielddesk …``, DESIGN.md §6): the parser and dispatch in ``main``, each family of
commands in its own module, imported only when used. The entry points sit on top of everything."""
