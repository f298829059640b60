using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Microkernel.Tests;

/// <summary>Real ELF files built once per test run with gcc: static non-PIE and static PIE,
/// linked by GNU ld and by ld.lld. The C source has pointer data (R_X86_64_RELATIVE in the
/// PIE), read-only pointer data (RELRO), .bss and TLS.</summary>
public static class ElfSamples
{
    public const string Source = """
        int counter;
        static int value = 7;
        int *volatile table[6] = { &value, &counter, 0, &value, &counter, &value };
        const char *const names[3] = { "alpha", "beta", "gamma" };
        __thread int tls_var = 5;
        __thread int tls_zero;
        void _start(void)
        {
            int s = 0;
            for (int i = 0; i < 6; i++) if (table[i]) s += *table[i];
            s += names[s & 1][0] + tls_var + tls_zero;
            counter = s;
            for (;;) __asm__ volatile("hlt");
        }
        """;

    /// <summary>A built file: its bytes and what <c>readelf -hlrW</c> said about it.</summary>
    public sealed record Sample(string Name, byte[] Bytes, bool Pie, ReadElfView View);

    private static readonly Lazy<IReadOnlyList<Sample>> s_all = new(Build);

    public static IReadOnlyList<Sample> All => s_all.Value;

    public static Sample Get(string name) => All.Single(s => s.Name == name);

    public static IEnumerable<object[]> Names() =>
        new[] { "exec-bfd", "pie-bfd", "exec-lld", "pie-lld" }.Select(n => new object[] { n });

    private static List<Sample> Build()
    {
        string dir = Path.Combine(Path.GetTempPath(), "elf-tests-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        string source = Path.Combine(dir, "service.c");
        File.WriteAllText(source, Source);
        var samples = new List<Sample>();
        foreach (string linker in new[] { "bfd", "lld" })
        {
            string exec = Path.Combine(dir, "exec-" + linker);
            Run("gcc", $"-static -nostdlib -O2 -fno-pie -no-pie -fuse-ld={linker} -o {exec} {source}");
            samples.Add(new Sample("exec-" + linker, File.ReadAllBytes(exec), false, ReadElfView.Of(exec)));
            string pie = Path.Combine(dir, "pie-" + linker);
            Run("gcc", $"-static-pie -nostdlib -fPIE -O2 -fuse-ld={linker} -o {pie} {source}");
            samples.Add(new Sample("pie-" + linker, File.ReadAllBytes(pie), true, ReadElfView.Of(pie)));
        }

        Directory.Delete(dir, recursive: true);

        return samples;
    }

    /// <summary>The checkout: the first directory above the test binary with kernel/ and a Makefile.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Makefile")) && Directory.Exists(Path.Combine(d.FullName, "kernel")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The service names Services.props declares (a service's name is its folder's).</summary>
    public static string[] DeclaredServices()
    {
        string declarations = File.ReadAllText(Path.Combine(RepositoryRoot(), "Services.props"));
        return System.Text.RegularExpressions.Regex.Matches(declarations, "<ServiceProject Include=\"([^\"]+)\"")
            .Select(m => Path.GetFileName(m.Groups[1].Value))
            .ToArray();
    }

    /// <summary>NativeAOT services (build/mk/services.mk: ilc output linked by ld.lld as static
    /// PIEs) when a build has produced them, read from private copies.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes, ReadElfView View)> Services()
    {
        var list = new List<(string, byte[], ReadElfView)>();
        string dir = Path.Combine(RepositoryRoot(), "out", "services");
        if (!Directory.Exists(dir))
        {
            return list;
        }

        foreach (string path in Directory.GetFiles(dir, "*.elf"))
        {
            // Another build may rewrite the original meanwhile.
            string copy = Path.GetTempFileName();
            File.Copy(path, copy, overwrite: true);
            list.Add((Path.GetFileName(path), File.ReadAllBytes(copy), ReadElfView.Of(copy)));
            File.Delete(copy);
        }

        return list;
    }

    public static string Run(string program, string arguments)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["LC_ALL"] = "C";
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start " + program);
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {error}");
        }

        return output;
    }
}

/// <summary>What readelf says about a file (the reference the parser is compared with).</summary>
public sealed class ReadElfView
{
    public sealed record ProgramHeader(string Type, ulong Offset, ulong VirtualAddress, ulong FileSize, ulong MemorySize, string Flags, ulong Align);

    public sealed record Relocation(ulong Offset, string Type, ulong Addend);

    public ulong Entry { get; private set; }
    public List<ProgramHeader> Headers { get; } = new();
    public List<Relocation> Relocations { get; } = new();

    public static ReadElfView Of(string path)
    {
        var view = new ReadElfView();
        string output = ElfSamples.Run("readelf", "-hlrW " + path);
        bool inProgramHeaders = false;
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("Entry point address:", StringComparison.Ordinal))
            {
                view.Entry = Hex(line.Split(':')[1].Trim());
            }
            else if (line.StartsWith("Program Headers:", StringComparison.Ordinal))
            {
                inProgramHeaders = true;
            }
            else if (line.StartsWith("Section to Segment", StringComparison.Ordinal))
            {
                inProgramHeaders = false;
            }
            else if (inProgramHeaders && line.Length > 0 && !line.StartsWith("Type", StringComparison.Ordinal) && !line.StartsWith('['))
            {
                string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string flags = string.Join("", t.Skip(6).Take(t.Length - 7));
                view.Headers.Add(new ProgramHeader(t[0], Hex(t[1]), Hex(t[2]), Hex(t[4]), Hex(t[5]), flags, Hex(t[^1])));
            }
            else if (line.Contains("R_X86_64_", StringComparison.Ordinal))
            {
                string[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                view.Relocations.Add(new Relocation(Hex(t[0]), t[2], Hex(t[^1])));
            }
        }

        return view;
    }

    private static ulong Hex(string text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        return ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
