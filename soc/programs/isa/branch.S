# Branches, RV64I and RV32I, taken (forward and backward) and not taken:
# beq, bne, blt, bge, bltu, bgeu (bit XLEN-1 is the sign).
    .include "test.inc"
    RVTEST_BEGIN

# Values equal in their low 32 bits (RV64I), or in their low 31 (RV32I).
.if XLEN == 64
.equ HIGH, 0x100000000
.else
.equ HIGH, 0x80000000
.endif

    TEST_BR2_TAKEN 2, beq, 0, 0
    TEST_BR2_TAKEN 3, beq, -1, -1
    TEST_BR2_NOTTAKEN 4, beq, 0, 1
    TEST_BR2_NOTTAKEN 5, beq, HIGH, 0
    TEST_BR2_TAKEN 6, bne, 0, 1
    TEST_BR2_TAKEN 7, bne, HIGH, 0
    TEST_BR2_NOTTAKEN 8, bne, 1, 1
    TEST_BR2_TAKEN 9, blt, -1, 1
    TEST_BR2_TAKEN 10, blt, XMIN, XMAX
    TEST_BR2_NOTTAKEN 11, blt, 1, -1
    TEST_BR2_NOTTAKEN 12, blt, 1, 1
    TEST_BR2_TAKEN 13, bge, 1, 1
    TEST_BR2_TAKEN 14, bge, 1, -1
    TEST_BR2_NOTTAKEN 15, bge, -1, 1
.if XLEN == 64
    TEST_BR2_TAKEN 16, bltu, 1, -1
    TEST_BR2_TAKEN 17, bltu, XMAX, XMIN
    TEST_BR2_NOTTAKEN 18, bltu, -1, 1
    TEST_BR2_NOTTAKEN 19, bltu, 1, 1
    TEST_BR2_TAKEN 20, bgeu, -1, 1
    TEST_BR2_TAKEN 21, bgeu, 1, 1
    TEST_BR2_NOTTAKEN 22, bgeu, 1, -1
.else
    TEST_BR2_TAKEN 16, bge, XMAX, XMIN
    TEST_BR2_TAKEN 17, bltu, 1, -1
    TEST_BR2_TAKEN 18, bltu, XMAX, XMIN
    TEST_BR2_NOTTAKEN 19, bltu, -1, 1
    TEST_BR2_NOTTAKEN 20, bltu, 1, 1
    TEST_BR2_TAKEN 21, bgeu, -1, 1
    TEST_BR2_TAKEN 22, bgeu, 1, 1
    TEST_BR2_NOTTAKEN 23, bgeu, 1, -1
    TEST_BR2_TAKEN 24, bgeu, XMIN, XMAX
.endif

    RVTEST_END
