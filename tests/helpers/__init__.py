"""Helpers shared by the tests: plain functions and constants, imported by the test modules.

Fixtures live in the conftest.py files; a test module never imports from another test module
(tests/test_layout.py checks it).
"""
