; Ring 3: entering user code, the syscall entry, and returning to the kernel when the
; user program ends (exit system call or a fault that ends it).
;
; Per-CPU block (PerCpu.cs mirrors it), reached through GS in the kernel:
;   [gs:0]  self pointer     [gs:8]  kernel stack top for syscalls
;   [gs:16] user rsp scratch [gs:24] kernel rsp saved by mk_run_user
;   [gs:40] address of TSS.rsp0
; The kernel runs with GS_BASE = the block; user code runs with GS_BASE = 0 and the
; block parked in KERNEL_GS_BASE. swapgs flips them on every ring crossing.

bits 64
default rel
section .text

extern mk_syscall_dispatch
global mk_run_user, mk_user_return, mk_syscall_entry_address

USER_DATA equ 0x20 | 3
USER_CODE equ 0x28 | 3

; long mk_run_user(ulong rip, ulong rsp, ulong a0, ulong a1, ulong a2): runs user
; code until it ends, with a0..a2 in rdi, rsi, rdx (its start-up arguments); returns
; the status mk_user_return was given.
mk_run_user:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    pushfq                      ; the caller's interrupt state, restored on return
    mov [gs:24], rsp
    ; Ring 3 re-enters the kernel right below this frame (syscalls via gs:8, interrupts
    ; via TSS.rsp0), so a thread's live kernel frames above it are never overwritten.
    mov [gs:8], rsp
    mov rax, [gs:40]
    mov [rax], rsp
    mov r12, rdx                ; start-up arguments, kept across the frame pushes
    mov r13, rcx
    mov r14, r8
    push USER_DATA              ; ss
    push rsi                    ; rsp
    push 0x202                  ; rflags: IF
    push USER_CODE              ; cs
    push rdi                    ; rip
    ; Leave nothing of the kernel's in the registers the user can read.
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    mov rdi, r12
    mov rsi, r13
    mov rdx, r14
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    pxor xmm0, xmm0
    pxor xmm1, xmm1
    swapgs
    iretq

; void mk_user_return(long status): back to mk_run_user's caller, on the kernel stack
; it ran on. Called from the syscall path or the fault path, with GS already the kernel's.
mk_user_return:
    mov rax, rdi
    mov rsp, [gs:24]
    popfq
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; syscall: rax = number, rdi rsi rdx r10 r8 r9 = arguments; rax = result. rcx/r11 hold
; the user rip/rflags. Registers are clobbered as in a function call (the user-side
; stubs are called as functions). Runs with interrupts masked (SFMASK clears IF).
mk_syscall_entry:
    swapgs
    mov [gs:16], rsp
    mov rsp, [gs:8]
    push qword [gs:16]          ; user rsp
    push r11                    ; user rflags
    push rcx                    ; user rip
    push rax                    ; number
    push rdi
    push rsi
    push rdx
    push r10
    push r8
    push r9                     ; SyscallFrame starts here (10 words, rsp stays 16-aligned)
    mov rdi, rsp
    call mk_syscall_dispatch
    add rsp, 7 * 8              ; arguments and number
    pop rcx                     ; user rip (canonical: user pages end below 0x7FFFFFFFF000)
    pop r11                     ; user rflags
    pop rsp                     ; user rsp
    swapgs
    o64 sysret

mk_syscall_entry_address:
    lea rax, [rel mk_syscall_entry]
    ret
