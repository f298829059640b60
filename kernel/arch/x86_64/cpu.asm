; Privileged instructions behind small functions, System V calling convention.
; The C# side declares each as [DllImport("*"), SuppressGCTransition] (Cpu.cs), which
; compiles to a direct call.

bits 64
default rel
section .text

%macro FUNC 1
global %1
%1:
%endmacro

FUNC mk_outb
    mov edx, edi
    mov eax, esi
    out dx, al
    ret
FUNC mk_outw
    mov edx, edi
    mov eax, esi
    out dx, ax
    ret
FUNC mk_outl
    mov edx, edi
    mov eax, esi
    out dx, eax
    ret
FUNC mk_inb
    mov edx, edi
    xor eax, eax
    in al, dx
    ret
FUNC mk_inw
    mov edx, edi
    xor eax, eax
    in ax, dx
    ret
FUNC mk_inl
    mov edx, edi
    in eax, dx
    ret

; void mk_cpuid(uint leaf, uint subleaf, uint* out /* eax, ebx, ecx, edx */)
FUNC mk_cpuid
    push rbx
    mov eax, edi
    mov ecx, esi
    mov r8, rdx
    cpuid
    mov [r8], eax
    mov [r8 + 4], ebx
    mov [r8 + 8], ecx
    mov [r8 + 12], edx
    pop rbx
    ret

FUNC mk_rdtsc
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret

FUNC mk_rdmsr
    mov ecx, edi
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret

FUNC mk_wrmsr
    mov ecx, edi
    mov eax, esi
    mov rdx, rsi
    shr rdx, 32
    wrmsr
    ret

FUNC mk_read_cr0
    mov rax, cr0
    ret
FUNC mk_read_cr2
    mov rax, cr2
    ret
FUNC mk_read_cr3
    mov rax, cr3
    ret
FUNC mk_read_cr4
    mov rax, cr4
    ret
FUNC mk_write_cr3
    mov cr3, rdi
    ret

FUNC mk_read_rflags
    pushfq
    pop rax
    ret

FUNC mk_lidt
    lidt [rdi]
    ret

; void mk_load_gdt(void* pointer, ushort code, ushort data): reload every segment.
FUNC mk_load_gdt
    lgdt [rdi]
    mov ax, dx
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    ; far return to reload CS
    pop rax
    push rsi
    push rax
    retfq

FUNC mk_ltr
    ltr di
    ret

FUNC mk_hlt
    hlt
    ret
FUNC mk_cli
    cli
    ret
FUNC mk_sti
    sti
    ret
; Enable interrupts and halt atomically: an interrupt that is already pending wakes
; the hlt rather than being taken between sti and hlt and lost.
FUNC mk_sti_hlt
    sti
    hlt
    ret
FUNC mk_pause
    pause
    ret
FUNC mk_invlpg
    invlpg [rdi]
    ret

; bool mk_rdrand64(ulong* out): CF says whether the value is valid.
FUNC mk_rdrand64
    rdrand rax
    jnc .fail
    mov [rdi], rax
    mov eax, 1
    ret
.fail:
    xor eax, eax
    ret

; Used by the in-image crash tests: an instruction the tests deliberately fault on.
FUNC mk_ud2
    ud2
    ret

FUNC mk_read_rbp
    mov rax, rbp
    ret

; Triple fault: load an empty IDT and raise an exception. The CPU resets.
FUNC mk_triple_fault
    lidt [empty_idt]
    int3
    jmp $

section .rodata
align 8
empty_idt:
    dw 0
    dq 0

section .text
; The address this function returns to: a "you are here" for panic reports.
global mk_here
mk_here:
    mov rax, [rsp]
    ret

; bool mk_probe_read64(ulong address, ulong* value): reads 8 bytes at an address that
; may be unmapped. A fault at mk_probe_read64_fault resumes at mk_probe_read64_fixup
; (FaultFixups.cs), which returns false. The seed of the nofault copy routines.
global mk_probe_read64, mk_probe_read64_fault, mk_probe_read64_fixup
mk_probe_read64:
mk_probe_read64_fault:
    mov rax, [rdi]
    mov [rsi], rax
    mov eax, 1
    ret
mk_probe_read64_fixup:
    xor eax, eax
    ret

; bool mk_probe_write64(ulong address, ulong value): the write twin of the probe read.
global mk_probe_write64
mk_probe_write64:
mk_probe_write64_fault:
    mov [rdi], rsi
    mov eax, 1
    ret
mk_probe_write64_fixup:
    xor eax, eax
    ret

; ulong mk_copy_nofault(void* destination, void* source, ulong length): copies and
; returns the number of bytes NOT copied (0 = all). A fault on either side resumes at
; the fix-up with rcx = bytes left. This is what system calls use on user pointers.
global mk_copy_nofault
mk_copy_nofault:
    mov rcx, rdx
mk_copy_nofault_fault:
    rep movsb
    xor eax, eax
    ret
mk_copy_nofault_fixup:
    mov rax, rcx
    ret

; bool mk_probe_execute(void* code): calls code. When code is not executable the fetch
; faults at code itself; FaultFixups then "returns" from this call with rax = 0.
global mk_probe_execute
mk_probe_execute:
    push rbp
    mov rbp, rsp
    call rdi
    mov eax, 1
    pop rbp
    ret
mk_probe_execute_fixup:         ; entered with the failed call's return address popped
    xor eax, eax
    pop rbp
    ret

; void mk_fixup_table(ulong* pairs): writes {fault, fixup} pairs, in a fixed order:
; probe read, probe write, nofault copy, then {0, execute-probe fix-up}.
global mk_fixup_table
mk_fixup_table:
    lea rax, [rel mk_probe_read64_fault]
    mov [rdi], rax
    lea rax, [rel mk_probe_read64_fixup]
    mov [rdi + 8], rax
    lea rax, [rel mk_probe_write64_fault]
    mov [rdi + 16], rax
    lea rax, [rel mk_probe_write64_fixup]
    mov [rdi + 24], rax
    lea rax, [rel mk_copy_nofault_fault]
    mov [rdi + 32], rax
    lea rax, [rel mk_copy_nofault_fixup]
    mov [rdi + 40], rax
    mov qword [rdi + 48], 0
    lea rax, [rel mk_probe_execute_fixup]
    mov [rdi + 56], rax
    ret

global mk_int3
mk_int3:
    int3
    ret
