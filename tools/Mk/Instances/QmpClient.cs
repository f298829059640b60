using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Mk.Instances;

/// <summary>A minimal QMP (QEMU Machine Protocol) client over QEMU's unix socket: reads
/// the greeting, negotiates capabilities, and runs commands, skipping asynchronous events.</summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private QmpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    /// <summary>Connects to the socket at <paramref name="path"/> and leaves capability
    /// negotiation mode, so commands can be run.</summary>
    /// <exception cref="IOException">No QEMU answers there, or it does not speak QMP.</exception>
    public static async Task<QmpClient> ConnectAsync(string path, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancel).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot connect to QMP socket {path}: {e.Message}", e);
        }
        var client = new QmpClient(socket);
        try
        {
            using JsonDocument greeting = await client.ReadMessageAsync(cancel).ConfigureAwait(false);
            if (!greeting.RootElement.TryGetProperty("QMP", out _))
            {
                throw new IOException("QMP socket did not greet with {\"QMP\": ...}");
            }

            await client.ExecuteAsync("qmp_capabilities", cancel).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="command"/> (no arguments) and waits for its reply.</summary>
    /// <exception cref="IOException">QEMU replied with an error or closed the connection.</exception>
    public async Task ExecuteAsync(string command, CancellationToken cancel)
    {
        byte[] request = Encoding.UTF8.GetBytes("{\"execute\": \"" + command + "\"}\n");
        await _stream.WriteAsync(request, cancel).ConfigureAwait(false);
        while (true)
        {
            using JsonDocument reply = await ReadMessageAsync(cancel).ConfigureAwait(false);
            if (reply.RootElement.TryGetProperty("return", out _))
            {
                return;
            }

            if (reply.RootElement.TryGetProperty("error", out JsonElement error))
            {
                throw new IOException($"QMP {command} failed: {error}");
            }
            // Anything else is an event ({"event": ...}); the reply comes after it.
        }
    }

    private async Task<JsonDocument> ReadMessageAsync(CancellationToken cancel)
    {
        string? line = await _reader.ReadLineAsync(cancel).ConfigureAwait(false)
            ?? throw new IOException("QMP connection closed");
        return JsonDocument.Parse(line);
    }

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
