//! Client tests live in tests/it.
