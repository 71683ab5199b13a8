"""Small rules that every layer shares and that depend on no other part of the project."""
