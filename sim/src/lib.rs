//! Simulation of the ptu unit: the reference model (plain Rust, no HDL),
//! a memory that answers the frame bus, a random core that obeys SPEC's
//! rules, and the harness that steps the rust-hdl design beside the model.

pub mod bench;
pub mod bus;
pub mod kernel;
pub mod lockstep;
pub mod model;
pub mod rtl;
pub mod scenario;
pub mod shrink;
pub mod stimulus;
pub mod vectors;
