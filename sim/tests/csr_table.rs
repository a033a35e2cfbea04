//! The CSR table (`ptu_arch::csr::TABLE`), the CSR file's decode
//! (`ptu_rtl::csr_file::CsrFile`, in rust-hdl) and the reference model
//! agree on every address 0..=255: whether it exists, whether it is
//! read-only, and which accesses raise #GP, in kernel and in user mode.

use ptu_arch::{csr, Inputs, PtuConfig};
use ptu_rtl::csr_file::CsrFile;
use ptu_sim::model::Model;
use rust_hdl::prelude::*;

/// The kinds of access: (csr_re, csr_we).
const ACCESSES: [(bool, bool); 3] = [(true, false), (false, true), (true, true)];

/// `csr_fault` and `csr_ok` of the CSR file for one access
/// (combinational: no clock).
fn hardware_fault(uut: &mut CsrFile, user: bool, re: bool, we: bool, addr: u8) -> (bool, bool) {
    uut.user.next = user;
    uut.csr_re.next = re;
    uut.csr_we.next = we;
    uut.csr_addr.next = (addr as u64).into();
    uut.calm.next = true;
    uut.quiet_kernel.next = !user;
    uut.read_en.next = true;
    assert!(simulate(uut, 50), "the CSR file does not settle");
    (uut.csr_fault.val(), uut.csr_ok.val())
}

/// #GP from the model for one access.
fn model_fault(user: bool, re: bool, we: bool, addr: u8) -> bool {
    let mut m = Model::new(&PtuConfig::default());
    m.user = user;
    m.csr_fault(&Inputs {
        csr_re: re,
        csr_we: we,
        csr_addr: addr,
        ..Inputs::default()
    })
}

#[test]
fn table_hardware_and_model_agree_on_every_address() {
    let mut uut = CsrFile::default();
    uut.connect_all();
    let mut mismatches = vec![];
    for addr in 0..=255u8 {
        let row = csr::lookup(addr);
        let name = row.map_or("unknown".to_string(), |c| c.name.to_string());
        // Exists: the table has it, the model has a value for it, and a
        // kernel read neither faults in the hardware nor in the model.
        let exists = row.is_some();
        let model_has_value = Model::new(&PtuConfig::default()).csr_value(addr).is_some();
        if model_has_value != exists {
            mismatches.push(format!(
                "0x{addr:02x} ({name}): the table says exists = {exists}, the model has a value = {model_has_value}"
            ));
        }
        // Read-only: the table's rule against a kernel write's #GP.
        let read_only = row.is_some_and(|c| !c.access.writable());
        for user in [false, true] {
            for (re, we) in ACCESSES {
                let table = user || !exists || (we && read_only);
                let (hw, ok) = hardware_fault(&mut uut, user, re, we, addr);
                let model = model_fault(user, re, we, addr);
                // `csr_ok` is the kernel view: no #GP but for user mode.
                let ok_table = !(!exists || (we && read_only));
                if ok != ok_table {
                    mismatches.push(format!(
                        "0x{addr:02x} ({name}) user={user} re={re} we={we}: csr_ok {ok}, \
                         the table says a kernel access is fine: {ok_table}"
                    ));
                }
                if hw != table || model != table {
                    mismatches.push(format!(
                        "0x{addr:02x} ({name}) user={user} re={re} we={we}: #GP in the table {table}, \
                         in the CSR file {hw}, in the model {model}"
                    ));
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "csr::TABLE, rtl/src/csr_file.rs and sim/src/model.rs disagree:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn every_table_csr_reads_its_reset_value_in_the_model() {
    let m = Model::new(&PtuConfig::default());
    for c in csr::TABLE {
        assert_eq!(m.csr_value(c.addr), Some(c.reset), "{}", c.name);
    }
}
