# The unit's CSRs through csrrw/csrrs/csrrc[i] (0x5C0..0x5FF), #GP on a
# faulting unit CSR access, the counters in both modes, #UD on any other
# CSR, on a counter write and on unsupported encodings, and ebreak as #BP.
# RV64I only: it checks the 64-bit unit's CSR map (0x5C6 is an unknown
# CSR, #GP, where the 32-bit unit has EVENT_INFO_H: docs/spec.md, 14.1).
    .include "test.inc"
    RVTEST_RV64_ONLY
    RVTEST_BEGIN

    # STATUS: a write changes only `if`. At this point STATUS is 0.
    TEST_BEGIN 2
    li a1, -1
    csrrw a4, 0x5C3, a1     # STATUS
    EXPECT a4, 0
    csrr a4, 0x5C3
    EXPECT a4, 1
    csrw 0x5C3, zero
    csrr a4, 0x5C3
    EXPECT a4, 0

    # CSTACK is read/write: csrw, csrr, csrrw returns the old value.
    TEST_BEGIN 3
    li a1, 0x1234
    csrw 0x5C2, a1          # CSTACK
    csrr a4, 0x5C2
    EXPECT a4, 0x1234
    li a2, 0x5678
    csrrw a4, 0x5C2, a2
    EXPECT a4, 0x1234
    csrr a4, 0x5C2
    EXPECT a4, 0x5678

    # csrrs sets bits, csrrc clears bits, both return the old value.
    TEST_BEGIN 4
    li a1, 0x0f0f
    csrw 0x5C2, a1
    li a2, 0xf000
    csrrs a4, 0x5C2, a2
    EXPECT a4, 0x0f0f
    csrr a4, 0x5C2
    EXPECT a4, 0xff0f
    li a2, 0x000f
    csrrc a4, 0x5C2, a2
    EXPECT a4, 0xff0f
    csrr a4, 0x5C2
    EXPECT a4, 0xff00

    # The immediate forms.
    TEST_BEGIN 5
    csrrwi a4, 0x5C2, 5
    EXPECT a4, 0xff00
    csrrsi a4, 0x5C2, 0x18
    EXPECT a4, 5
    csrrci a4, 0x5C2, 1
    EXPECT a4, 0x1d
    csrr a4, 0x5C2
    EXPECT a4, 0x1c

    # ENTRY and ENTRY_CRIT read back what the prelude wrote.
    TEST_BEGIN 36
    la a2, trap_handler
    csrr a4, 0x5C0          # ENTRY
    FAIL_IF_NE a4, a2
    csrr a4, 0x5C1          # ENTRY_CRIT
    FAIL_IF_NE a4, a2

    # The user copies read back what the kernel wrote.
    TEST_BEGIN 6
    li a1, 0x9000
    csrw 0x5D1, a1          # URSP
    csrr a4, 0x5D1
    EXPECT a4, 0x9000
    li a1, 0xabcd
    csrw 0x5D2, a1          # UGS
    csrr a4, 0x5D2
    EXPECT a4, 0xabcd

    # Reading EVENT_INFO or STATUS never faults in the kernel (csrrs with
    # rs1 = x0 only reads); writing EVENT_INFO is #GP, and the write does
    # not happen.
    TRAP_BEGIN 7
    li a4, 0x55
k_write_info:
    csrw 0x5C4, a4          # EVENT_INFO
    TRAP_END INFO_GP, 0
    TRAP_RIP k_write_info
    TRAP_BEGIN 8
    li a4, 0x55
    csrrs a4, 0x5C5, a4     # EVENT_DATA, a write
    TRAP_END INFO_GP, 0
    EXPECT a4, 0x55         # rd is not written when the access faults

    # An unknown unit CSR is #GP.
    TRAP_BEGIN 9
    csrr a4, 0x5C6
    TRAP_END INFO_GP, 0
    TRAP_BEGIN 10
    csrr a4, 0x5FF
    TRAP_END INFO_GP, 0

    # Any unit CSR access in user mode is #GP, reads included.
    TRAP_BEGIN 11
    USER_RUN u_read_entry
    TRAP_END (INFO_GP | FROM_USER), 0
    TRAP_RIP u_read_entry
    TRAP_BEGIN 12
    USER_RUN u_write_urip
    TRAP_END (INFO_GP | FROM_USER), 0

    # rdcycle, rdtime and rdinstret work in the kernel: instret counts
    # retired instructions, the cycle counter only grows.
    TEST_BEGIN 13
    rdinstret a1
    rdinstret a2
    sub a4, a2, a1
    EXPECT a4, 1
    rdcycle a1
    rdcycle a2
    FAIL_UNLESS_LTU a1, a2
    rdtime a1
    rdtime a2
    FAIL_UNLESS_LTU a1, a2

    # ... and in user mode (the user code reads them, then ecall).
    TRAP_BEGIN 14
    USER_RUN u_counters
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    sub a4, a2, a1
    EXPECT a4, 1
    FAIL_UNLESS_LTU a3, a5

    # A write to a counter is #UD: csrw, csrrs with rs1 != x0, csrrwi.
    TRAP_BEGIN 15
    csrw cycle, a1
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 16
    li a1, 1
    csrrs a4, instret, a1
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 17
    csrrwi a4, time, 0
    TRAP_END INFO_UD, 0

    # Any other CSR is #UD: machine-mode, supervisor, just outside the
    # unit's range on both sides, the counters' high halves.
    TRAP_BEGIN 18
    csrr a4, mstatus
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 19
    csrr a4, sstatus
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 20
    csrr a4, 0x5BF
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 21
    csrr a4, 0x600
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 22
    csrr a4, 0xC03
    TRAP_END INFO_UD, 0

    # Unsupported encodings are #UD: mret, uret, RV64M's mul, an all-zero
    # word, an all-ones word, a compressed-looking halfword pair, a
    # reserved opcode, and the CSR instruction's reserved funct3.
    TRAP_BEGIN 23
k_mret:
    .word 0x30200073        # mret
    TRAP_END INFO_UD, 0
    TRAP_RIP k_mret
    TRAP_BEGIN 24
    .word 0x00200073        # uret
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 25
    .word 0x02b50533        # mul a0, a0, a1
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 26
    .word 0x00000000
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 27
    .word 0xffffffff
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 28
    .word 0x00010001        # two c.nop halfwords
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 29
    .word 0x0000007f        # reserved opcode
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 30
    .word 0x5c004073        # SYSTEM with funct3 = 4
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 31
    .word 0x0000202f        # an RV64A encoding (amo)
    TRAP_END INFO_UD, 0

    # wfi runs as a no-op.
    TEST_BEGIN 32
    li a4, 3
    wfi
    EXPECT a4, 3

    # ebreak is #BP, no error code, at the ebreak itself; in user mode too.
    TRAP_BEGIN 33
k_ebreak:
    ebreak
    TRAP_END INFO_BP, 0
    TRAP_RIP k_ebreak
    TRAP_BEGIN 34
    USER_RUN u_ebreak
    TRAP_END (INFO_BP | FROM_USER), 0
    TRAP_RIP u_ebreak

    # An illegal instruction in user mode is #UD from user.
    TRAP_BEGIN 35
    USER_RUN u_illegal
    TRAP_END (INFO_UD | FROM_USER), 0

    RVTEST_END

    .section .user.text, "ax"
u_read_entry:
    csrr a4, 0x5C0          # ENTRY
    ecall
u_write_urip:
    csrw 0x5D0, a4          # URIP
    ecall
u_counters:
    rdinstret a1
    rdinstret a2
    rdcycle a3
    rdcycle a5
    ecall
u_ebreak:
    ebreak
    ecall
u_illegal:
    .word 0x30200073        # mret
    ecall
