# The timer: mtime counts cycles; with mtimecmp armed, user mode takes the
# interrupt (type 0, vector 0x20) at an instruction that then does not run,
# and the return address is that instruction; the kernel (STATUS.if = 0)
# does not take it; writing 0 to mtimecmp stops it.
# RV64I only: it reads mtime and writes mtimecmp as 64-bit words (ld, sd).
    .include "test.inc"
    RVTEST_RV64_ONLY
    RVTEST_BEGIN

    # Arm the timer 100 cycles ahead and spin in user mode.
    TRAP_BEGIN 2
    li a1, MTIME
    ld a2, 0(a1)
    addi a2, a2, 100
    li a1, MTIMECMP
    sd a2, 0(a1)
    li a3, 0
    li s1, 0
    USER_RUN u_spin
    TRAP_END ((0x20 << 8) | FROM_USER), 0
    # The user loop ran and was interrupted.
    FAIL_UNLESS_LTU zero, a3

    # The irq is still requested (mtimecmp armed) but the kernel runs with
    # interrupts disabled: nothing happens for a while.
    TEST_BEGIN 3
    li a4, 50
1:  addi a4, a4, -1
    bnez a4, 1b
    EXPECT a4, 0

    # Stop it, and return to the interrupted user instruction: the loop
    # sees s1 = 1 and makes a system call.
    TRAP_BEGIN 4
    li a1, MTIMECMP
    sd zero, 0(a1)
    li s1, 1
    sret
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    EXPECT s1, 2

    RVTEST_END

    .section .user.text, "ax"
u_spin:
    addi a3, a3, 1
    beqz s1, u_spin
    li s1, 2
    ecall
