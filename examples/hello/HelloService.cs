using System.Runtime.InteropServices;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.Hello;

/// <summary>Logs a greeting and a little proof of a working runtime (allocation,
/// statics, interface calls), then exits with a checksum the kernel's test knows.</summary>
internal static class HelloService
{
    private interface IGreeting { int Length(); }

    private sealed class Greeting : IGreeting
    {
        private readonly byte[] _text;
        internal Greeting(int length) { _text = new byte[length]; }
        public int Length() => _text.Length;
    }

    private static readonly int[] s_primes = { 2, 3, 5, 7, 11 };

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        ServiceLog.Info("hello from a C# service in ring 3"u8);
        IGreeting greeting = new Greeting(30);
        int sum = 0;
        for (int i = 0; i < s_primes.Length; i++)
        {
            sum += s_primes[i];
        }

        return greeting.Length() + sum; // 30 + 28 = 58
    }
}
