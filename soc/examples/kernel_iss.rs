//! Run the kernel of `soc/programs/kernel/kernel.S` on the
//! instruction-level model with its NMIs, print the UART transcript and
//! the measurement (`--json` for JSON):
//!
//! ```sh
//! cargo run --release -p ptu-soc --example kernel_iss
//! ```

use anyhow::{bail, Result};
use ptu_soc::kernel::{self, Variant};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = match args.as_slice() {
        [] => false,
        [a] if a == "--json" => true,
        _ => bail!("usage: kernel_iss [--json]"),
    };
    let k = kernel::build(Variant::Correct)?;
    let run = kernel::run_iss(&k, &kernel::ISS_NMI_CYCLES);
    let m = kernel::measure(&run.records, &k.header);
    if json {
        print!("{}", m.to_json());
    } else {
        print!("{}", run.transcript());
        println!();
        println!(
            "instruction-level model, NMIs at cycles {:?}: {} instructions retired, {} cycles",
            kernel::ISS_NMI_CYCLES,
            run.outcome.retired,
            run.outcome.cycles
        );
        println!();
        print!("{m}");
    }
    run.outcome.check("kernel")
}
