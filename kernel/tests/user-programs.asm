; Tiny ring-3 programs for the in-image tests (test image only). Each is position-
; independent bytes between NAME_start and NAME_end: the kernel copies them into a user
; page, makes it read+execute, and runs it. System calls: rax = number (0 exit,
; 1 log, 3 map, 4 unmap), rdi/rsi/rdx/r10 = arguments.

bits 64
default rel
section .rodata

%macro PROGRAM 1
global %1_start, %1_end
%1_start:
%endmacro

%macro END_PROGRAM 1
%1_end:
%endmacro

%macro EXIT_WITH 1
    mov rdi, %1
    xor eax, eax
    syscall
    ud2
%endmacro

PROGRAM user_hello
    lea rdi, [rel .message]
    mov esi, .message_end - .message
    mov edx, 1                  ; level: info
    mov eax, 1
    syscall
    cmp rax, .message_end - .message
    jne .bad
    EXIT_WITH 42
.bad:
    EXIT_WITH 1
.message: db "hello from ring 3"
.message_end:
END_PROGRAM user_hello

PROGRAM user_null_dereference
    mov rax, [abs 0]
    EXIT_WITH 0
END_PROGRAM user_null_dereference

PROGRAM user_privileged
    cli
    EXIT_WITH 0
END_PROGRAM user_privileged

PROGRAM user_read_kernel
    mov rax, [abs 0x100000]
    EXIT_WITH 0
END_PROGRAM user_read_kernel

; log() with a kernel pointer, an unmapped user pointer and an oversized length: each
; must come back as an error; the sum of the three results is the exit status.
PROGRAM user_bad_pointers
    mov rdi, 0x100000
    mov esi, 16
    mov edx, 1                  ; level: info
    mov eax, 1
    syscall
    mov rbx, rax
    mov rdi, 0x00007F0000000000
    mov esi, 16
    mov edx, 1                  ; level: info
    mov eax, 1
    syscall
    add rbx, rax
    lea rdi, [rel user_bad_pointers_start]
    mov esi, 100000
    mov edx, 1                  ; level: info
    mov eax, 1
    syscall
    add rbx, rax
    mov rdi, 0x0000800000000000
    mov esi, 8
    mov edx, 1                  ; level: info
    mov eax, 1
    syscall
    add rbx, rax
    mov eax, 999
    syscall
    add rbx, rax
    EXIT_WITH rbx
END_PROGRAM user_bad_pointers

; map two pages, use them, unmap them, then touch them again (must fault).
PROGRAM user_map_use_unmap
    xor edi, edi
    mov esi, 8192
    mov edx, 3                  ; read | write
    xor r10d, r10d
    mov eax, 3
    syscall
    test rax, rax
    js .failed
    mov r12, rax
    mov qword [r12], 5
    mov qword [r12 + 4096], 7
    mov rbx, [r12]
    add rbx, [r12 + 4096]
    mov rdi, r12
    mov esi, 8192
    mov eax, 4
    syscall
    cmp rbx, 12
    jne .failed
    mov rax, [r12]              ; use after unmap: faults
    EXIT_WITH 0
.failed:
    EXIT_WITH 2
END_PROGRAM user_map_use_unmap

PROGRAM user_execute_stack
    mov byte [rsp - 16], 0xC3
    lea rax, [rsp - 16]
    call rax
    EXIT_WITH 0
END_PROGRAM user_execute_stack

PROGRAM user_write_own_code
    lea rax, [rel user_write_own_code_start]
    mov byte [rax], 0x90
    EXIT_WITH 0
END_PROGRAM user_write_own_code

; Long enough for timer interrupts to arrive in ring 3 and return to it.
; Spins for 400M TSC cycles (about 0.15-0.4 s at any plausible TSC rate): long enough
; for many timer ticks however fast the CPU or TCG runs the loop.
PROGRAM user_spin
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rsi, rax
.loop:
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, rsi
    cmp rax, 400000000
    jb .loop
    EXIT_WITH 7
END_PROGRAM user_spin

; bool mk_user_program(int index, ulong* start, ulong* end): the bounds of program
; `index` in the order of the table below (UserModeTests.Program mirrors it).
section .rodata
align 8
program_table:
    dq user_hello_start, user_hello_end
    dq user_null_dereference_start, user_null_dereference_end
    dq user_privileged_start, user_privileged_end
    dq user_read_kernel_start, user_read_kernel_end
    dq user_bad_pointers_start, user_bad_pointers_end
    dq user_map_use_unmap_start, user_map_use_unmap_end
    dq user_execute_stack_start, user_execute_stack_end
    dq user_write_own_code_start, user_write_own_code_end
    dq user_spin_start, user_spin_end
    dq user_bad_handles_start, user_bad_handles_end
program_count equ ($ - program_table) / 16

section .text
global mk_user_program
mk_user_program:
    cmp edi, program_count
    jae .none
    movsxd rdi, edi
    shl rdi, 4
    lea rax, [rel program_table]
    mov rcx, [rax + rdi]
    mov [rsi], rcx
    mov rcx, [rax + rdi + 8]
    mov [rdx], rcx
    mov eax, 1
    ret
.none:
    xor eax, eax
    ret

section .rodata
; wait and notify on handles that do not exist: each must return -EBADF (-9).
global user_bad_handles_start, user_bad_handles_end
user_bad_handles_start:
    mov edi, 5
    xor esi, esi                ; no timeout
    mov eax, 7
    syscall
    mov rbx, rax
    xor edi, edi
    mov eax, 8
    syscall
    add rbx, rax
    mov rdi, 0xFFFFFFFFFFFF
    xor esi, esi
    mov eax, 7
    syscall
    add rbx, rax
    mov rdi, rbx
    xor eax, eax
    syscall
    ud2
user_bad_handles_end:
