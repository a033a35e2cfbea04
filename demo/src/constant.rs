//! Configuration values of the demo's blocks, checked and turned into
//! `Constant`s (rust-hdl prints a const generic literally, so values go
//! through `Constant` fields).

use anyhow::{bail, Result};
use rust_hdl::prelude::*;

/// `v` as an `N`-bit constant, or an error naming `what` if it does not
/// fit.
pub fn constant<const N: usize>(what: &str, v: u64) -> Result<Constant<Bits<N>>> {
    if N < 64 && v >> N != 0 {
        bail!("{what} = {v} does not fit the demo's {N}-bit counter");
    }
    Ok(Constant::new(v.into()))
}
