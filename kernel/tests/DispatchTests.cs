using static Microkernel.Tests.Expect;

namespace Microkernel.Tests;

/// <summary>Virtual calls, interface calls through the cached dispatch cells, casts
/// and array covariance.</summary>
internal static unsafe class DispatchTests
{
    internal static void Register()
    {
        TestRegistry.Add("runtime/virtual-dispatch", &Virtual);
        TestRegistry.Add("runtime/interface-dispatch-monomorphic", &InterfaceMonomorphic);
        TestRegistry.Add("runtime/interface-dispatch-polymorphic", &InterfacePolymorphic);
        TestRegistry.Add("runtime/interface-dispatch-inherited", &InterfaceInherited);
        TestRegistry.Add("runtime/casting", &Casting);
        TestRegistry.Add("runtime/array-covariance", &Covariance);
    }

    private interface IShape { int Area(); int Sides { get; } }
    private interface INamed { int NameLength(); }

    private class Square : IShape, INamed
    {
        private readonly int _side;
        internal Square(int side) { _side = side; }
        public virtual int Area() => _side * _side;
        public int Sides => 4;
        public int NameLength() => 6;
    }

    private sealed class Rectangle : IShape
    {
        private readonly int _w, _h;
        internal Rectangle(int w, int h) { _w = w; _h = h; }
        public int Area() => _w * _h;
        public int Sides => 4;
    }

    private sealed class Triangle : IShape
    {
        public int Area() => 3;
        public int Sides => 3;
    }

    // Overrides the virtual that implements the interface method: the interface call
    // must reach the override.
    private sealed class DoubleSquare : Square
    {
        internal DoubleSquare(int side) : base(side) { }
        public override int Area() => 2 * base.Area();
    }

    private abstract class Animal { internal abstract int Legs(); internal virtual int Eyes() => 2; }
    private sealed class Spider : Animal { internal override int Legs() => 8; internal override int Eyes() => 8; }
    private sealed class Bird : Animal { internal override int Legs() => 2; }

    private static void Virtual(ref TestResult t)
    {
        Animal spider = new Spider();
        Animal bird = new Bird();
        Equal(ref t, 8, spider.Legs(), "abstract override"u8);
        Equal(ref t, 2, bird.Legs(), "second override"u8);
        Equal(ref t, 8, spider.Eyes(), "virtual override"u8);
        Equal(ref t, 2, bird.Eyes(), "inherited virtual"u8);
    }

    private static int CallArea(IShape shape) => shape.Area();

    private static void InterfaceMonomorphic(ref TestResult t)
    {
        IShape square = new Square(3);
        int total = 0;
        // The first call resolves and caches; the rest take the cell's fast path.
        for (int i = 0; i < 100; i++)
        {
            total += CallArea(square);
        }

        Equal(ref t, 900, total, "repeated calls through one cell"u8);
        Equal(ref t, 4, square.Sides, "interface property"u8);
    }

    private static void InterfacePolymorphic(ref TestResult t)
    {
        IShape[] shapes = { new Square(2), new Rectangle(2, 5), new Triangle(), new Square(1) };
        int area = 0, sides = 0;
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                area += CallArea(shapes[i]);
                sides += shapes[i].Sides;
            }
        }
        Equal(ref t, 10 * (4 + 10 + 3 + 1), area, "one call site, three types"u8);
        Equal(ref t, 10 * (4 + 4 + 3 + 4), sides, "properties through the same cells"u8);
    }

    private static void InterfaceInherited(ref TestResult t)
    {
        IShape shape = new DoubleSquare(3);
        Equal(ref t, 18, CallArea(shape), "interface call reaches the derived override"u8);
        INamed named = new DoubleSquare(1);
        Equal(ref t, 6, named.NameLength(), "second interface, inherited implementation"u8);
    }

    private static void Casting(ref TestResult t)
    {
        object square = new Square(2);
        object triangle = new Triangle();
        True(ref t, square is IShape, "class to implemented interface"u8);
        True(ref t, square is INamed, "class to second interface"u8);
        False(ref t, triangle is INamed, "class to unimplemented interface"u8);
        True(ref t, new DoubleSquare(1) is Square, "derived to base"u8);
        False(ref t, square is DoubleSquare, "base to derived"u8);
        True(ref t, (triangle as Square) == null, "as gives null on mismatch"u8);
        var cast = square as Square;
        True(ref t, cast != null, "as succeeds on match"u8);
    }

    private static void Covariance(ref TestResult t)
    {
        Animal[] animals = new Spider[2];
        animals[0] = new Spider();
        Equal(ref t, 8, animals[0].Legs(), "store of the exact element type"u8);
        object[] objects = new Animal[2];
        objects[1] = new Bird();
        True(ref t, objects[1] is Bird, "store of a derived type into a base array"u8);
        object[] strings = new string[1];
        strings[0] = "x";
        True(ref t, (string)strings[0] == "x", "covariant string array"u8);
    }
}
