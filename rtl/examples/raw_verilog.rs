//! Print rust-hdl's raw Verilog of `Ptu` (before the emission step tidies it).
use ptu_arch::PtuConfig;
use rust_hdl::prelude::*;

fn main() -> anyhow::Result<()> {
    let mut uut = ptu_rtl::Ptu::new(&PtuConfig::default())?;
    uut.connect_all();
    if let Err(e) = check_all(&uut) {
        anyhow::bail!("rust-hdl checks failed: {e:?}");
    }
    print!("{}", generate_verilog(&uut));
    Ok(())
}
