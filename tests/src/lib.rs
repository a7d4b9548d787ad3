//! End-to-end tests of the `b2c-lsp` binary live in `tests/`; this library is empty.
