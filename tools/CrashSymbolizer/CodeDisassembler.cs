using System;
using System.Collections.Generic;
using Iced.Intel;

namespace CrashSymbolizer;

/// <summary>One decoded instruction of a listing.</summary>
/// <param name="Address">Virtual address of the first byte.</param>
/// <param name="Bytes">The instruction's bytes.</param>
/// <param name="Text">Intel-syntax text from Iced, branch targets shown as symbols.</param>
/// <param name="IsTarget">True for the instruction at the address asked about (rip).</param>
public sealed record DisassembledInstruction(ulong Address, byte[] Bytes, string Text, bool IsTarget);

/// <summary>A listing around an address, and why it may be shorter than asked.</summary>
/// <param name="Instructions">Instructions in address order; empty when nothing could be read.</param>
/// <param name="StartSymbol">The symbol decoding started at, or null when it started at the address itself.</param>
/// <param name="Note">A one-line explanation when the listing is partial or missing, else null.</param>
public sealed record Disassembly(IReadOnlyList<DisassembledInstruction> Instructions, string? StartSymbol, string? Note);

/// <summary>
/// Disassembles x86-64 code around an address with Iced, reading bytes from the ELF's
/// loaded sections. x86 instructions have variable length, so decoding backwards from
/// rip is unreliable: decoding starts at the containing symbol (a known instruction
/// boundary) and runs forward to rip. Without a symbol, or when that walk does not land
/// exactly on rip, the listing starts at rip itself.
/// </summary>
public static class CodeDisassembler
{
    /// <summary>Functions larger than this are not walked from their start.</summary>
    public const ulong MaxWalk = 1 << 20;

    /// <summary>
    /// Up to <paramref name="before"/> instructions before <paramref name="address"/>, the
    /// instruction at it, and up to <paramref name="after"/> following instructions.
    /// </summary>
    public static Disassembly Around(ElfFile elf, SymbolTable symbols, ulong address, int before = 4, int after = 4)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(symbols);
        if (elf.Machine != ElfFile.MachineX86_64)
        {
            return new Disassembly(Array.Empty<DisassembledInstruction>(), null, $"no disassembly: ELF machine {elf.Machine} is not x86-64");
        }

        if (elf.ReadLoaded(address, 1).Length == 0)
        {
            return new Disassembly(Array.Empty<DisassembledInstruction>(), null, "no disassembly: address is not in any loaded section of the ELF");
        }

        var formatter = new IntelFormatter(new Resolver(symbols));
        formatter.Options.HexPrefix = "0x"; // match the 0x numbers everywhere else in the report
        formatter.Options.HexSuffix = null;
        formatter.Options.UppercaseHex = false;
        ElfSymbol? sym = symbols.Lookup(address);
        if (sym is { } s && address - s.Address <= MaxWalk)
        {
            List<DisassembledInstruction>? listing = Decode(elf, formatter, s.Address, address, before, after);
            if (listing is not null)
            {
                return new Disassembly(listing, s.Name, null);
            }

            List<DisassembledInstruction> fromRip = Decode(elf, formatter, address, address, 0, after)!;
            return new Disassembly(fromRip, null, $"decoding from {s.Name} did not land on this address; listing starts here");
        }
        List<DisassembledInstruction> plain = Decode(elf, formatter, address, address, 0, after)!;
        return new Disassembly(plain, null, "no symbol covers this address, so no earlier instruction boundary is known; listing starts here");
    }

    private static List<DisassembledInstruction>? Decode(ElfFile elf, Formatter formatter, ulong start, ulong target, int before, int after)
    {
        int want = checked((int)(target - start)) + (after + 1) * 15;
        byte[] bytes = elf.ReadLoaded(start, want);
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes), start);
        var output = new StringOutput();
        var previous = new Queue<DisassembledInstruction>();
        var result = new List<DisassembledInstruction>();
        bool found = false;
        int offset = 0;
        while (offset < bytes.Length)
        {
            decoder.Decode(out Instruction instr);
            if (instr.Length == 0)
            {
                break;
            }

            if (offset + instr.Length > bytes.Length)
            {
                break; // ran out of bytes mid-instruction
            }

            ulong ip = instr.IP;
            if (!found && ip > target)
            {
                return null;          // overshot: target is mid-instruction
            }

            string text;
            if (instr.IsInvalid)
            {
                text = "(bad)";
            }
            else
            {
                formatter.Format(instr, output);
                text = output.ToStringAndReset();
            }
            var d = new DisassembledInstruction(ip, bytes.AsSpan(offset, instr.Length).ToArray(), text, ip == target);
            offset += instr.Length;
            if (!found)
            {
                if (ip == target)
                {
                    found = true;
                    result.AddRange(previous);
                    result.Add(d);
                }
                else
                {
                    previous.Enqueue(d);
                    if (previous.Count > before)
                    {
                        previous.Dequeue();
                    }
                }
            }
            else
            {
                result.Add(d);
                if (result.Count >= previous.Count + 1 + after)
                {
                    break;
                }
            }
        }
        return found ? result : null;
    }

    /// <summary>Names branch targets and rip-relative operands after the ELF's symbols.</summary>
    private sealed class Resolver : ISymbolResolver
    {
        private readonly SymbolTable _symbols;

        public Resolver(SymbolTable symbols) => _symbols = symbols;

        public bool TryGetSymbol(in Instruction instruction, int operand, int instructionOperand, ulong address, int addressSize, out SymbolResult symbol)
        {
            bool isBranch = instructionOperand >= 0 && instruction.GetOpKind(instructionOperand) is OpKind.NearBranch64 or OpKind.NearBranch32 or OpKind.NearBranch16;
            bool isRipRel = instructionOperand >= 0 && instruction.GetOpKind(instructionOperand) == OpKind.Memory && instruction.IsIPRelativeMemoryOperand;
            if ((isBranch || isRipRel) && _symbols.Lookup(address) is { } s)
            {
                symbol = new SymbolResult(s.Address, s.Name);
                return true;
            }
            symbol = default;
            return false;
        }
    }
}
