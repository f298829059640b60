; The user-side runtime's assembly: the process entry and the system call stub.
bits 64
default rel
section .text

extern mk_service_start
global _start, mk_user_syscall, mk_user_rdtsc

; Entry from the kernel: rsp = top of the stack; rdi, rsi, rdx = start-up arguments
; (rdi = the start page, read by StartInfo.cs), passed on unchanged. Align as a call would, never return.
_start:
    and rsp, -16
    xor ebp, ebp
    call mk_service_start
    ud2

; ulong mk_user_rdtsc(): the TSC (allowed in ring 3: CR4.TSD is clear).
mk_user_rdtsc:
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

; long mk_user_syscall(ulong number, ulong a0, ulong a1, ulong a2, ulong a3):
; System V arguments in, the kernel's syscall ABI out (rax = number, rdi.. = args,
; the fourth argument travels in r10 because syscall clobbers rcx).
mk_user_syscall:
    mov rax, rdi
    mov rdi, rsi
    mov rsi, rdx
    mov rdx, rcx
    mov r10, r8
    syscall
    ret

extern __start___modules, __stop___modules
global mk_service_modules
; void mk_service_modules(nint* start, nint* end): the compiler's module list bounds.
mk_service_modules:
    lea rax, [rel __start___modules]
    mov [rdi], rax
    lea rax, [rel __stop___modules]
    mov [rsi], rax
    ret

section .data
align 8
; The stack cookie compiled code checks in frames with stackalloc. A fixed value until
; services get random bytes at start-up (the kernel's RNG through the start-up block).
global __security_cookie
__security_cookie: dq 0x5DEECE66D2B992DD
