using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace Tools.Tests;

/// <summary>A fixture ELF compiled by the host gcc, with its symbols as reported by binutils' nm.</summary>
public sealed class BuiltFixture
{
    public required string ElfPath { get; init; }
    public required string Variant { get; init; }
    public required IReadOnlyDictionary<string, ulong> Nm { get; init; }

    public ulong this[string symbol] => Nm[symbol];
}

/// <summary>
/// Compiles fixtures/fixture.c + fixture_b.c + fixture_asm.S with gcc into a static,
/// freestanding x86-64 ELF whose .text is linked at 1 MiB, like the kernel. Each variant
/// is built once per test run. Symbol addresses come from nm, an independent tool, so
/// the tests do not trust the code under test to find them.
/// </summary>
public static class GccFixture
{
    /// <summary>Lines in fixtures/fixture.c the tests rely on.</summary>
    public const int FaultLine = 7, CallLine = 13, AfterCallLine = 14, StartCallLine = 19;

    public static readonly string[] Variants = { "dwarf4", "dwarf5", "dwarf5-zlib" };

    private static readonly ConcurrentDictionary<string, Lazy<BuiltFixture>> s_cache = new();
    private static readonly Lazy<string> s_workDir = new(() => TestTempDirectory.For("crashsymbolizer-tests"));

    public static string FixtureSourceDir => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static BuiltFixture Get(string variant) =>
        s_cache.GetOrAdd(variant, v => new Lazy<BuiltFixture>(() => Build(v))).Value;

    private static BuiltFixture Build(string variant)
    {
        string debugFlags = variant switch
        {
            "dwarf4" => "-gdwarf-4",
            "dwarf5" => "-gdwarf-5",
            "dwarf5-zlib" => "-gdwarf-5 -gz=zlib",
            _ => throw new ArgumentException(variant),
        };
        string dir = Path.Combine(s_workDir.Value, variant);
        Directory.CreateDirectory(dir);
        string elf = Path.Combine(dir, "fixture.elf");
        string src = FixtureSourceDir;
        Run("gcc", $"{debugFlags} -O0 -static -nostdlib -ffreestanding -fno-pie -no-pie -fno-asynchronous-unwind-tables " +
                   $"-Wl,-Ttext=0x100000 -Wl,--build-id=none -o \"{elf}\" " +
                   $"\"{src}/fixture.c\" \"{src}/fixture_b.c\" \"{src}/fixture_asm.S\"");
        var nm = new Dictionary<string, ulong>();
        foreach (string line in Run("nm", $"\"{elf}\"").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3)
            {
                nm[parts[2]] = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        return new BuiltFixture { ElfPath = elf, Variant = variant, Nm = nm };
    }

    /// <summary>Runs a host tool and returns its stdout; throws with stderr on failure.</summary>
    public static string Run(string file, string arguments, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        Task<string> stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string stderr = stderrTask.Result;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {p.ExitCode}: {stderr}");
        }

        return stdout;
    }
}
