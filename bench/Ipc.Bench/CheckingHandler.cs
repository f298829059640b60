using System.Buffers.Binary;

namespace Microkernel.Ipc.Bench;

/// <summary>The benchmark contract's server side: echoes requests, and checks that one-way
/// Deliver payloads carry 0, 1, 2, ... in their first 8 bytes (a lost, repeated or reordered
/// message counts in <see cref="Errors"/>, which every run asserts is 0).</summary>
internal sealed class CheckingHandler : IBench
{
    /// <summary>The sequence number the next Deliver must carry.</summary>
    public long Expected;

    /// <summary>Deliver payloads that were short or out of sequence.</summary>
    public long Errors;

    public Payload Echo(in Payload payload) => payload;

    public void Deliver(in Payload payload)
    {
        if (payload.Data.Length < 8 || BinaryPrimitives.ReadInt64LittleEndian(payload.Data) != Expected)
        {
            Errors++;
        }

        Expected++;
    }
}
