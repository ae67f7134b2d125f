"""``python -m partnerhub.cli``: the same commands as the ``partnerhub`` executable."""

from partnerhub.cli import main

main()
