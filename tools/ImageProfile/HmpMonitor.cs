using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImageProfile;

/// <summary>
/// A client for QEMU's human monitor (HMP) on a Unix socket: each command is sent as a
/// line and its reply runs up to the next <c>(qemu) </c> prompt.
/// </summary>
internal sealed class HmpMonitor : IDisposable
{
    private const string Prompt = "(qemu) ";
    private static readonly TimeSpan s_replyTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StringBuilder _received = new();

    private HmpMonitor(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// Connects to the monitor socket QEMU creates at <paramref name="path"/> (retrying until it
    /// exists, <paramref name="qemu"/> exits, or <paramref name="within"/> passes) and reads the greeting.
    /// </summary>
    public static async Task<HmpMonitor> ConnectAsync(string path, Process qemu, TimeSpan within, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (File.Exists(path))
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel).ConfigureAwait(false);
                    var monitor = new HmpMonitor(socket);
                    await monitor.ReadReplyAsync("(greeting)", cancel).ConfigureAwait(false);
                    return monitor;
                }
                catch (SocketException)
                {
                    socket.Dispose();
                }
            }
            if (qemu.HasExited)
            {
                throw new ProfileException($"QEMU exited (status {qemu.ExitCode}) before its monitor socket {path} accepted a connection");
            }

            if (clock.Elapsed > within)
            {
                throw new ProfileException($"QEMU's monitor socket {path} did not accept a connection within {within.TotalSeconds:F0} s");
            }

            await Task.Delay(20, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="command"/> and returns its reply; a reply that reports an error throws.</summary>
    public async Task<string> ExecuteAsync(string command, CancellationToken cancel)
    {
        byte[] line = Encoding.ASCII.GetBytes(command + "\n");
        await _stream.WriteAsync(line, cancel).ConfigureAwait(false);
        string reply = await ReadReplyAsync(command, cancel).ConfigureAwait(false);
        // The reply starts with the echoed command line.
        int echo = reply.IndexOf(command, StringComparison.Ordinal);
        string output = (echo >= 0 ? reply[(echo + command.Length)..] : reply).Trim();
        if (output.Length > 0 && (output.Contains("Invalid", StringComparison.OrdinalIgnoreCase)
                                  || output.Contains("unknown command", StringComparison.OrdinalIgnoreCase)
                                  || output.Contains("Error", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ProfileException($"QEMU's monitor rejected '{command}': {output}");
        }

        return output;
    }

    /// <summary>Sends <c>quit</c>; QEMU exits without a reply.</summary>
    public async Task QuitAsync(CancellationToken cancel)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes("quit\n"), cancel).ConfigureAwait(false);
        await _stream.FlushAsync(cancel).ConfigureAwait(false);
    }

    private async Task<string> ReadReplyAsync(string what, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(s_replyTimeout);
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                string text = _received.ToString();
                int prompt = text.IndexOf(Prompt, StringComparison.Ordinal);
                if (prompt >= 0)
                {
                    _received.Remove(0, prompt + Prompt.Length);
                    return text[..prompt];
                }
                int n = await _stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new ProfileException($"QEMU's monitor closed the connection while answering {what}");
                }

                _received.Append(Encoding.Latin1.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new ProfileException($"QEMU's monitor did not answer {what} within {s_replyTimeout.TotalSeconds:F0} s");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
