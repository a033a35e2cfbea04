//! Run the kernel of `soc/programs/kernel/kernel.S` on the
//! instruction-level model with its NMIs, print the UART transcript and
//! the measurement (`--json` for JSON):
//!
//! ```sh
//! cargo run --release -p ptu-soc --example kernel_iss
//! cargo run --release -p ptu-soc --example kernel_iss -- --xlen 32   # the RV32I kernel
//! ```

use anyhow::{bail, Result};
use ptu_soc::kernel::{self, Variant};

fn main() -> Result<()> {
    let mut json = false;
    let mut xlen = 64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--xlen" => {
                xlen = match args.next().as_deref() {
                    Some("32") => 32,
                    Some("64") => 64,
                    _ => bail!("--xlen takes 32 (RV32I) or 64 (RV64I)"),
                }
            }
            _ => bail!("usage: kernel_iss [--json] [--xlen 32|64]"),
        }
    }
    let k = kernel::build_xlen(Variant::Correct, xlen)?;
    let nmi = kernel::iss_nmi_cycles(xlen);
    let run = kernel::run_iss(&k, &nmi);
    let m = kernel::measure(&run.records, &k.header);
    if json {
        print!("{}", m.to_json());
    } else {
        print!("{}", run.transcript());
        println!();
        println!(
            "instruction-level model (RV{xlen}I), NMIs at cycles {:?}: {} instructions retired, {} cycles",
            nmi,
            run.outcome.retired,
            run.outcome.cycles
        );
        println!();
        print!("{m}");
    }
    run.outcome.check("kernel")
}
