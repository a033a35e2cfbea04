# Faults of loads, stores, jumps and fetches: misaligned loads and stores
# are #AC with EVENT_DATA = the address; a jump or taken branch to a
# target that is not a multiple of 4 is #GP with EVENT_DATA = the target
# and does not run; user accesses outside the user window and kernel
# accesses to nothing are #PF with x86's error code and EVENT_DATA = the
# address; the faulting instruction does not retire and is the return
# address. RV64I and RV32I (where addresses wrap at 2^32).
    .include "test.inc"
    RVTEST_BEGIN

# Misaligned offsets of register-wide accesses (ld and sd on RV64I, lw
# and sw on RV32I) in cases 4, 9 and 30.
.if XLEN == 64
.equ MIS_LOAD, 4
.equ MIS_STORE, 12
.equ MIS_USER, 4
.else
.equ MIS_LOAD, 6
.equ MIS_STORE, 14
.equ MIS_USER, 2
.endif

    # Misaligned loads and stores in the kernel: #AC, error 0 valid.
    TRAP_BEGIN 2
    la a1, kdat
    addi a1, a1, 1
k_lh:
    lh a4, 0(a1)
    TRAP_END_AT INFO_AC, kdat, 1
    TRAP_RIP k_lh
    TRAP_BEGIN 3
    la a1, kdat
    lw a4, 2(a1)
    TRAP_END_AT INFO_AC, kdat, 2
    TRAP_BEGIN 4
    la a1, kdat
    LREG a4, MIS_LOAD(a1)
    TRAP_END_AT INFO_AC, kdat, MIS_LOAD
    TRAP_BEGIN 5
    la a1, kdat
    lhu a4, 7(a1)
    TRAP_END_AT INFO_AC, kdat, 7
    TRAP_BEGIN 6
    la a1, kdat
.if XLEN == 64
    lwu a4, 6(a1)
    TRAP_END_AT INFO_AC, kdat, 6
.else
    lh a4, 5(a1)
    TRAP_END_AT INFO_AC, kdat, 5
.endif
    TRAP_BEGIN 7
    la a1, kdat
    li a2, -1
    sh a2, 3(a1)
    TRAP_END_AT INFO_AC, kdat, 3
    TRAP_BEGIN 8
    la a1, kdat
    sw a2, 1(a1)
    TRAP_END_AT INFO_AC, kdat, 1
    TRAP_BEGIN 9
    la a1, kdat
    SREG a2, MIS_STORE(a1)
    TRAP_END_AT INFO_AC, kdat, MIS_STORE
    # The faulting stores wrote nothing.
    TEST_BEGIN 10
    la a1, kdat
.if XLEN == 64
    ld a4, 0(a1)
    EXPECT a4, 0
    ld a4, 8(a1)
    EXPECT a4, 0
.else
    lw a4, 0(a1)
    EXPECT a4, 0
    lw a4, 4(a1)
    EXPECT a4, 0
    lw a4, 8(a1)
    EXPECT a4, 0
    lw a4, 12(a1)
    EXPECT a4, 0
.endif
    # Byte accesses are never misaligned.
    TEST_BEGIN 11
    li a2, 0x5a
    sb a2, 3(a1)
    lbu a4, 3(a1)
    EXPECT a4, 0x5a

    # A misaligned jalr target is #GP with the target; the jump does not
    # run, its link register is not written.
    TRAP_BEGIN 12
    la a1, kdat
    addi a1, a1, 2
    li a3, 0x33
k_jalr:
    jalr a3, 0(a1)
    TRAP_END_AT INFO_GP, kdat, 2
    TRAP_RIP k_jalr
    EXPECT a3, 0x33
    # jal and a taken branch by 6 bytes.
    TRAP_BEGIN 13
k_jal:
    jal a3, 6
    TRAP_END_AT INFO_GP, k_jal, 6
    EXPECT a3, 0x33
    TRAP_BEGIN 14
k_beq:
    beq x0, x0, 6
    TRAP_END_AT INFO_GP, k_beq, 6
    # A branch not taken to a misaligned target does not fault.
    TEST_BEGIN 15
    bne x0, x0, 6
    EXPECT x0, 0

    # Kernel accesses to an address that decodes to nothing: #PF, P = 0,
    # U = 0; W for a store; I for a fetch.
    TRAP_BEGIN 16
    li a1, 0x20000
k_ld_nothing:
    LREG a4, 0(a1)
    TRAP_END (INFO_PF | (0 << 16)), 0x20000
    TRAP_RIP k_ld_nothing
    TRAP_BEGIN 17
    li a1, 0x20000000
    SREG a1, 8(a1)
    TRAP_END (INFO_PF | (PF_W << 16)), 0x20000008
    TRAP_BEGIN 18
    li a1, 0x10000020       # just past the devices
    lw a4, 0(a1)
    TRAP_END (INFO_PF | (0 << 16)), 0x10000020
    TRAP_BEGIN 19
    li a1, 0x30000
    jr a1
    TRAP_END (INFO_PF | (PF_I << 16)), 0x30000
    TRAP_RIP_ADDR 0x30000

    # The kernel reaches all of RAM and the devices: a load from the UART
    # reads 0 (never busy), mtime grows. (Not on RV32I: there the RTL's
    # cycles differ from the model's, and soc/tests/core_rv32.rs compares
    # whole traces.)
    TEST_BEGIN 20
    li a1, UART
    LREG a4, 0(a1)
    EXPECT a4, 0
.if XLEN == 64
    li a1, MTIME
    ld a2, 0(a1)
    ld a3, 0(a1)
    FAIL_UNLESS_LTU a2, a3
.endif

    # User loads, stores and fetches outside the user window: #PF with
    # U = 1, P = 1 inside RAM and the devices, P = 0 elsewhere, W for
    # stores, I for fetches; EVENT_DATA is the address.
    TRAP_BEGIN 21
    USER_RUN u_ld_kernel
    TRAP_END (INFO_PF | ((PF_P | PF_U) << 16) | FROM_USER), 0x100
    TRAP_RIP u_ld_kernel_ld
    TRAP_BEGIN 22
    USER_RUN u_sd_kernel
    TRAP_END (INFO_PF | ((PF_P | PF_W | PF_U) << 16) | FROM_USER), 0x7ff8
    TRAP_BEGIN 23
    USER_RUN u_ld_uart
    TRAP_END (INFO_PF | ((PF_P | PF_U) << 16) | FROM_USER), UART
    TRAP_BEGIN 24
    USER_RUN u_sd_tohost
    TRAP_END (INFO_PF | ((PF_P | PF_W | PF_U) << 16) | FROM_USER), TOHOST
    TRAP_BEGIN 25
    USER_RUN u_ld_nothing
    TRAP_END (INFO_PF | (PF_U << 16) | FROM_USER), 0x10000
    TRAP_BEGIN 26
    USER_RUN u_sd_nothing
    TRAP_END (INFO_PF | ((PF_W | PF_U) << 16) | FROM_USER), 0x40000000
    # A user fetch from kernel RAM: the jump runs, the fetch faults.
    TRAP_BEGIN 27
    USER_RUN u_jump_kernel
    TRAP_END (INFO_PF | ((PF_P | PF_U | PF_I) << 16) | FROM_USER), 0x200
    TRAP_RIP_ADDR 0x200
    # Entering user mode at an address outside the window.
    TRAP_BEGIN 28
    li t0, 0x20000
    csrw 0x5D0, t0          # URIP
    sret
    TRAP_END (INFO_PF | ((PF_U | PF_I) << 16) | FROM_USER), 0x20000
    # The user window itself works: the user stores, loads back, and
    # reports the value through ecall; the kernel sees the store.
    TRAP_BEGIN 29
    USER_RUN u_window
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    EXPECT a4, 0x1234
    la a1, udat
    LREG a4, 0(a1)
    EXPECT a4, 0x1234
    # Misaligned accesses in user mode are #AC from user.
    TRAP_BEGIN 30
    USER_RUN u_misaligned
    TRAP_END_AT (INFO_AC | FROM_USER), udat, MIS_USER
.if XLEN == 32
    # ... and from user mode (STATUS.prev_user, as EVENT_INFO_H's
    # from_user said).
    csrr a4, 0x5C3          # STATUS
    andi a4, a4, 8
    EXPECT a4, 8

    # Addresses wrap at 2^32: 0xfffffffc + 8 is 4, kernel RAM.
    TEST_BEGIN 31
    li a1, -4
    lw a4, 8(a1)
    lw a2, 4(x0)
    FAIL_IF_NE a4, a2
.endif

    RVTEST_END

    .section .data
    .balign 8
kdat: .dword 0, 0              # 16 zero bytes

    .section .user.text, "ax"
u_ld_kernel:
    li a1, 0x100
u_ld_kernel_ld:
    LREG a4, 0(a1)
    ecall
u_sd_kernel:
    li a1, 0x7ff8
    SREG a1, 0(a1)
    ecall
u_ld_uart:
    li a1, UART
    lbu a4, 0(a1)
    ecall
u_sd_tohost:
    li a1, TOHOST
    li a2, 1
    SREG a2, 0(a1)
    ecall
u_ld_nothing:
    li a1, 0x10000
    LREG a4, 0(a1)
    ecall
u_sd_nothing:
    li a1, 0x40000000
    sw a1, 0(a1)
    ecall
u_jump_kernel:
    li a1, 0x200
    jr a1
u_window:
    la a1, udat
    li a2, 0x1234
    SREG a2, 0(a1)
    LREG a4, 0(a1)
    ecall
u_misaligned:
    la a1, udat
    lw a4, 4(a1)            # aligned: fine
    LREG a4, MIS_USER(a1)   # misaligned
    ecall

    .section .user.data, "aw"
    .balign 8
udat: .dword 0                  # 8 zero bytes
