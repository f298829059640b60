using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Tools.Tests;

/// <summary>The built tool as a separate process behind a pipe, as in <c>qemu ... | CrashSymbolizer</c>.</summary>
public class LiveFilterProcessTests
{
    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CrashSymbolizer.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    [Fact]
    public async Task Each_line_comes_out_before_the_next_goes_in()
    {
        BuiltFixture fx = GccFixture.Get("dwarf5");
        using Process p = Start("--elf", fx.ElfPath);
        try
        {
            var timeout = TimeSpan.FromSeconds(30);
            await p.StandardInput.WriteLineAsync("boot: line one");
            await p.StandardInput.FlushAsync();
            Assert.Equal("boot: line one", await p.StandardOutput.ReadLineAsync().WaitAsync(timeout));

            await p.StandardInput.WriteLineAsync("*** PANIC: CPU exception #UD");
            await p.StandardInput.WriteLineAsync($"cpu=0 vector=0x0000000000000006 error=0x0000000000000000 rip=0x{fx["fault_insn"]:x16}");
            await p.StandardInput.WriteLineAsync("*** END PANIC");
            await p.StandardInput.FlushAsync();
            Assert.Equal("*** PANIC: CPU exception #UD", await p.StandardOutput.ReadLineAsync().WaitAsync(timeout));
            await p.StandardOutput.ReadLineAsync().WaitAsync(timeout);
            Assert.Equal("*** END PANIC", await p.StandardOutput.ReadLineAsync().WaitAsync(timeout));
            Assert.StartsWith("--- symbolized", await p.StandardOutput.ReadLineAsync().WaitAsync(timeout), StringComparison.Ordinal);
            Assert.Contains("fault_here+0x", await p.StandardOutput.ReadLineAsync().WaitAsync(timeout), StringComparison.Ordinal);

            p.StandardInput.Close();
            string rest = await p.StandardOutput.ReadToEndAsync().WaitAsync(timeout);
            Assert.EndsWith("--- end symbolized\n", rest, StringComparison.Ordinal);
            await p.WaitForExitAsync().WaitAsync(timeout);
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill();
            }
        }
    }

    [Fact]
    public async Task Invalid_elf_exits_2_with_one_stderr_line_and_no_stack_trace()
    {
        using Process p = Start("--elf", Path.Combine(GccFixture.FixtureSourceDir, "fixture.c"));
        p.StandardInput.Close();
        string err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, p.ExitCode);
        Assert.Matches(@"^CrashSymbolizer: error: '.*fixture\.c' is not a usable ELF file: no ELF magic \(\\x7fELF\)\n$", err);
    }
}
