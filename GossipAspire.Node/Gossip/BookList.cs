namespace GossipAspire.Node.Gossip;

/// <summary>The books a node picks from: the non-empty lines of the book file, comments (#) left out.</summary>
public sealed class BookList
{
    public BookList(IEnumerable<string> books)
    {
        Books = [.. books.Select(b => b.Trim()).Where(b => b.Length > 0 && !b.StartsWith('#')).Distinct(StringComparer.Ordinal)];
        if (Books.Count < 2)
        {
            throw new ArgumentException("The book list needs at least two books, so a node never picks the same book twice in a row.", nameof(books));
        }

        Lookup = new HashSet<string>(Books, StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Books { get; }

    private HashSet<string> Lookup { get; }

    public bool Contains(string book) => Lookup.Contains(book);

    /// <summary>A random book other than <paramref name="current"/>.</summary>
    public string PickOther(string? current, Random random)
    {
        while (true)
        {
            var book = Books[random.Next(Books.Count)];
            if (!string.Equals(book, current, StringComparison.Ordinal))
            {
                return book;
            }
        }
    }

    /// <summary>Reads the file: as given, else relative to the app's own folder (where the build copies books.txt).</summary>
    public static BookList Load(string path)
    {
        var candidates = Path.IsPathRooted(path) ? [path] : new[] { Path.GetFullPath(path), Path.Combine(AppContext.BaseDirectory, path) };
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return new BookList(File.ReadLines(candidate));
            }
        }

        throw new FileNotFoundException($"Gossip:BooksFile '{path}' was not found (looked at {string.Join(", ", candidates)}).", path);
    }
}
