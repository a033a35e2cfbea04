//! Pieces of Verilog text that the generated harnesses and wrappers share.

/// The packed range of a `width`-bit declaration with its trailing space
/// (`[63:0] `), or nothing for one bit: `format!("input wire {}{name}", range(w))`.
pub fn range(width: usize) -> String {
    if width <= 1 {
        String::new()
    } else {
        format!("[{}:0] ", width - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::range;

    #[test]
    fn one_bit_has_no_range() {
        assert_eq!(range(1), "");
        assert_eq!(range(2), "[1:0] ");
        assert_eq!(range(64), "[63:0] ");
    }
}
