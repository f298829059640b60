using System.Collections.Generic;
using System.IO.Pipelines;
using System.Threading.Tasks;
using Xunit;

namespace Microkernel.BootTests;

/// <summary>The line splitter under QemuInstance, fed through a real <see cref="Pipe"/>.</summary>
public sealed class PipeLinesTests
{
    private static async Task<List<string>> SplitAsync(params byte[][] writes)
    {
        var pipe = new Pipe();
        var lines = new List<string>();
        Task reading = PipeLines.ReadAllAsync(pipe.Reader, lines.Add);
        foreach (byte[] chunk in writes)
        {
            await pipe.Writer.WriteAsync(chunk);
        }

        await pipe.Writer.CompleteAsync();
        await reading.WaitAsync(System.TimeSpan.FromSeconds(10));
        return lines;
    }

    [Fact]
    public async Task Carriage_returns_are_dropped_and_a_final_unterminated_line_is_kept()
    {
        List<string> lines = await SplitAsync("ok 1 - a/b\r\n\r\n1..2\rx\npartial"u8.ToArray());

        Assert.Equal(new[] { "ok 1 - a/b", "", "1..2x", "partial" }, lines);
    }

    [Fact]
    public async Task A_line_split_across_writes_comes_out_whole()
    {
        List<string> lines = await SplitAsync("rea"u8.ToArray(), "dy: services=0\n*** PA"u8.ToArray(), "NIC: x\n"u8.ToArray());

        Assert.Equal(new[] { "ready: services=0", "*** PANIC: x" }, lines);
    }

    [Fact]
    public async Task Non_ascii_bytes_survive_as_latin1()
    {
        List<string> lines = await SplitAsync(new byte[] { 0x41, 0xff, 0x00, 0xe9, 0x0a });

        Assert.Equal(new[] { "A\u00ff\u0000\u00e9" }, lines);
    }
}
