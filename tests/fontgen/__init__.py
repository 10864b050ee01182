"""Test font generator (mkfont.py): minimal TrueType fonts for tests/test_font_dirs.py."""
