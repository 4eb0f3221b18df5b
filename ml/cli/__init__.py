"""The command line, `python -m ml`: main (cli.main) and one module per group of commands."""
