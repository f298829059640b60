using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks;

namespace Microkernel.BootTests;

/// <summary>Splits what a <see cref="PipeReader"/> delivers into lines.</summary>
public static class PipeLines
{
    /// <summary>Calls <paramref name="onLine"/> for every <c>\n</c>-terminated line, and for a
    /// final unterminated one, until the pipe completes. Bytes are decoded as Latin-1 so any
    /// byte the guest writes survives, and every <c>\r</c> is dropped.</summary>
    public static async Task ReadAllAsync(PipeReader reader, Action<string> onLine)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(onLine);
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is SequencePosition newline)
                {
                    onLine(Decode(buffer.Slice(0, newline)));
                    buffer = buffer.Slice(buffer.GetPosition(1, newline));
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        onLine(Decode(buffer));
                    }

                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static string Decode(ReadOnlySequence<byte> line) =>
        Encoding.Latin1.GetString(line).Replace("\r", string.Empty, StringComparison.Ordinal);
}
