"""The pure game engine: commands in, new state and effects out.

Nothing here does I/O, reads a clock or draws randomness of its own (times and seeds are
passed in); ``tests/engine/test_purity.py`` checks the imports.
"""
