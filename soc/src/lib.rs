//! A small RISC-V core whose pc, sp and tp are the ptu's renamed
//! registers, the SoC around it, an instruction-level model of both, and
//! the programs that run on them. `docs/soc.md` is the contract.

pub mod map;

// The core and the SoC (rust-hdl).
pub mod board;
pub mod cpu;
pub mod run;
pub mod soc;

// The RTL's runs as the model's traces (differential tests, the kernel).
pub mod diff;
pub mod spram;
pub mod sync_ram;
/// The UART transmitter is the board demo's (`demo/src/uart_tx.rs`).
pub use ptu_demo::uart_tx;
pub mod verilator;

// Programs and the instruction-level model.
pub mod asm;
pub mod iss;
pub mod kernel;
pub mod program;
pub mod random;
