//! (being written: see docs/soc.md)
