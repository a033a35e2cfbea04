//! Verilog integer literals of any width: the value of `64'hffff…`,
//! `3'b100`, `1_000`, and of the Rust forms rust-hdl writes in case labels
//! (`0x3`, `5u32`), and how a value is written back.

/// A non-negative integer of any width, little-endian 32-bit limbs, no
/// leading zero limbs (zero is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Big(pub Vec<u32>);

impl Big {
    pub fn parse(digits: &str, radix: u32) -> Option<Big> {
        let mut limbs: Vec<u32> = Vec::new();
        let mut any = false;
        for ch in digits.chars().filter(|&c| c != '_') {
            let d = ch.to_digit(radix)?;
            any = true;
            let mut carry = u64::from(d);
            for l in limbs.iter_mut() {
                let v = u64::from(*l) * u64::from(radix) + carry;
                *l = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                limbs.push(carry as u32);
            }
        }
        any.then_some(Big(limbs))
    }
    /// Bits needed to hold the value (0 for zero).
    pub fn bits(&self) -> u32 {
        self.0.last().map_or(0, |t| {
            (self.0.len() as u32 - 1) * 32 + (32 - t.leading_zeros())
        })
    }
    pub fn is_all_ones(&self, width: u32) -> bool {
        width > 0
            && self.bits() == width
            && self.0.iter().map(|l| l.count_ones()).sum::<u32>() == width
    }
    pub fn hex(&self) -> String {
        match self.0.split_last() {
            None => "0".to_string(),
            Some((top, rest)) => {
                let mut s = format!("{top:x}");
                for l in rest.iter().rev() {
                    s.push_str(&format!("{l:08x}"));
                }
                s
            }
        }
    }
    pub fn to_u64(&self) -> Option<u64> {
        match self.0.as_slice() {
            [] => Some(0),
            [a] => Some(u64::from(*a)),
            [a, b] => Some(u64::from(*a) | u64::from(*b) << 32),
            _ => None,
        }
    }
}

/// A parsed number token.
#[derive(Clone, Debug)]
pub struct Num {
    /// Width from `W'…`; `None` for unsized and plain decimals.
    pub size: Option<u32>,
    /// `None` when it has x/z digits.
    pub value: Option<Big>,
    /// Written the Rust way (`0x3`, `5u32`): not valid Verilog as it is.
    pub rust_style: bool,
}

const RUST_SUFFIXES: [&str; 12] = [
    "u128", "i128", "usize", "isize", "u64", "i64", "u32", "i32", "u16", "i16", "u8", "i8",
];

pub fn parse_num(text: &str) -> Num {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(q) = compact.find('\'') {
        let size = compact[..q].replace('_', "").parse().ok();
        let mut rest = &compact[q + 1..];
        if rest.starts_with(['s', 'S']) {
            rest = &rest[1..];
        }
        let radix = match rest.chars().next().map(|c| c.to_ascii_lowercase()) {
            Some('b') => 2,
            Some('o') => 8,
            Some('d') => 10,
            _ => 16,
        };
        return Num {
            size,
            value: Big::parse(&rest[1..], radix),
            rust_style: false,
        };
    }
    let mut t = compact.replace('_', "");
    let rust_style = t.chars().any(|c| c.is_ascii_alphabetic());
    if let Some(s) = RUST_SUFFIXES.iter().find(|s| t.ends_with(**s)) {
        t.truncate(t.len() - s.len());
    }
    let (digits, radix) = match t.get(..2) {
        Some("0x") | Some("0X") => (&t[2..], 16),
        Some("0o") => (&t[2..], 8),
        Some("0b") => (&t[2..], 2),
        _ => (&t[..], 10),
    };
    Num {
        size: None,
        value: Big::parse(digits, radix),
        rust_style,
    }
}

/// A value written without a size where its context gives none: a plain
/// decimal when it is small, else hex with the fewest bits it needs.
pub fn unsized_literal(v: &Big) -> String {
    match v.to_u64() {
        Some(x) if x < 1 << 31 => x.to_string(),
        _ if v.bits() <= 32 => format!("'h{}", v.hex()),
        _ => format!("{}'h{}", v.bits(), v.hex()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_any_width() {
        let n = parse_num("128'hffffffffffffffffffffffffffffffff");
        assert_eq!(n.size, Some(128));
        assert!(n.value.as_ref().unwrap().is_all_ones(128));
        assert_eq!(n.value.unwrap().hex(), "ffffffffffffffffffffffffffffffff");
        assert_eq!(parse_num("3'b100").value.unwrap().hex(), "4");
        assert_eq!(parse_num("1_000_000").value.unwrap().hex(), "f4240");
        assert_eq!(parse_num("0x1_0000_0000u64").value.unwrap().bits(), 33);
        assert!(parse_num("8'hxz").value.is_none());
        assert_eq!(Big(vec![]).bits(), 0);
        assert_eq!(unsized_literal(&Big(vec![0x8000_0000])), "'h80000000");
        assert_eq!(unsized_literal(&Big(vec![0, 1])), "33'h100000000");
    }
}
