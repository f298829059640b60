using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace Mk;

/// <summary>Reads a file that another process is still writing (QEMU's serial files)
/// through a <see cref="Pipe"/>: a pump copies what is there, then, when following, what is
/// appended, until the writer has gone and the end has been read.</summary>
public static class FileFollower
{
    /// <summary>How often a followed file is checked for more bytes.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads <paramref name="path"/> and hands its bytes to <paramref name="consume"/>
    /// as they arrive. <paramref name="consume"/> gets the unread bytes and whether they are
    /// the last, and returns how far it used them; bytes after that are offered again with
    /// more. Without <paramref name="follow"/>, reads what is there now and stops; with it,
    /// keeps reading until <paramref name="writerAlive"/> says false (then reads to the end
    /// once more) or <paramref name="cancel"/> fires. A file that does not exist yet is
    /// waited for while following.</summary>
    public static async Task ReadAsync(string path, bool follow, Func<bool> writerAlive,
        Func<ReadOnlySequence<byte>, bool, SequencePosition> consume, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(writerAlive);
        ArgumentNullException.ThrowIfNull(consume);
        var pipe = new Pipe();
        Task pump = PumpAsync(path, follow, writerAlive, pipe.Writer, cancel);
        try
        {
            while (true)
            {
                ReadResult result = await pipe.Reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                SequencePosition used = consume(result.Buffer, result.IsCompleted);
                if (result.IsCompleted)
                {
                    pipe.Reader.AdvanceTo(result.Buffer.End);
                    break;
                }
                pipe.Reader.AdvanceTo(used, result.Buffer.End);
            }
        }
        finally
        {
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(string path, bool follow, Func<bool> writerAlive, PipeWriter writer, CancellationToken cancel)
    {
        Exception? failure = null;
        try
        {
            while (follow && !File.Exists(path) && writerAlive() && !cancel.IsCancellationRequested)
            {
                await Delay(cancel).ConfigureAwait(false);
            }

            if (!File.Exists(path))
            {
                return;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 1, useAsync: false);
            bool lastPass = !follow;
            while (true)
            {
                Memory<byte> memory = writer.GetMemory(64 * 1024);
                int read = await stream.ReadAsync(memory, CancellationToken.None).ConfigureAwait(false);
                if (read > 0)
                {
                    writer.Advance(read);
                    FlushResult flushed = await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        return;
                    }

                    continue;
                }
                if (lastPass || cancel.IsCancellationRequested)
                {
                    return;
                }

                if (!writerAlive()) { lastPass = true; continue; }
                await Delay(cancel).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = e;
        }
        finally
        {
            await writer.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private static async Task Delay(CancellationToken cancel)
    {
        try
        {
            await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled: the caller's loop sees the token and ends.
        }
    }
}
