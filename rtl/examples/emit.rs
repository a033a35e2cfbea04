//! Print the emitted Verilog of `Ptu` (default configuration).
fn main() -> anyhow::Result<()> {
    print!(
        "{}",
        ptu_rtl::verilog::emit(&ptu_arch::PtuConfig::default())?
    );
    Ok(())
}
