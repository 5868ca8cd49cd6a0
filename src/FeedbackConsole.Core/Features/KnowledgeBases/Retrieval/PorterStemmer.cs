namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>
/// The inflectional steps of M. F. Porter's stemmer ("An algorithm for suffix stripping", 1980): 1a, 1b, 1c, 5a and
/// 5b, in place on a lower-case ASCII word. The derivational steps 2–4 are left out on purpose: they conflate words
/// support questions tell apart ("general"/"generate", "organization"/"organ").
/// </summary>
internal static class PorterStemmer
{
    /// <summary>Stems <paramref name="word"/>[..<paramref name="length"/>] in place and returns the new length.
    /// The buffer needs one spare character (step 1b can add an "e"). Words with anything but a–z, or shorter than
    /// three letters, come back unchanged.</summary>
    public static int Stem(Span<char> word, int length)
    {
        if (length < 3)
        {
            return length;
        }

        foreach (var c in word[..length])
        {
            if (c is < 'a' or > 'z')
            {
                return length;
            }
        }

        var w = new Word(word, length);
        w.Step1A();
        w.Step1B();
        w.Step1C();
        w.Step5();
        return w.Length;
    }

    private ref struct Word(Span<char> chars, int length)
    {
        private readonly Span<char> _w = chars;

        public int Length { get; private set; } = length;

        public void Step1A()
        {
            if (EndsWith("sses") || EndsWith("ies"))
            {
                Length -= 2;
            }
            else if (!EndsWith("ss") && EndsWith("s"))
            {
                Length -= 1;
            }
        }

        public void Step1B()
        {
            if (EndsWith("eed"))
            {
                if (Measure(Length - 3) > 0)
                {
                    Length -= 1;
                }

                return;
            }

            if (EndsWith("ed") && HasVowel(Length - 2))
            {
                Length -= 2;
            }
            else if (EndsWith("ing") && HasVowel(Length - 3))
            {
                Length -= 3;
            }
            else
            {
                return;
            }

            if (EndsWith("at") || EndsWith("bl") || EndsWith("iz"))
            {
                _w[Length++] = 'e';
            }
            else if (DoubleConsonant(Length) && _w[Length - 1] is not ('l' or 's' or 'z'))
            {
                Length -= 1;
            }
            else if (Measure(Length) == 1 && ConsonantVowelConsonant(Length))
            {
                _w[Length++] = 'e';
            }
        }

        public void Step1C()
        {
            if (EndsWith("y") && HasVowel(Length - 1))
            {
                _w[Length - 1] = 'i';
            }
        }

        public void Step5()
        {
            if (EndsWith("e"))
            {
                var m = Measure(Length - 1);
                if (m > 1 || (m == 1 && !ConsonantVowelConsonant(Length - 1)))
                {
                    Length -= 1;
                }
            }

            if (_w[Length - 1] == 'l' && DoubleConsonant(Length) && Measure(Length) > 1)
            {
                Length -= 1;
            }
        }

        private readonly bool EndsWith(string suffix) =>
            Length >= suffix.Length && _w[(Length - suffix.Length)..Length].SequenceEqual(suffix);

        private readonly bool IsConsonant(int i) => _w[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !IsConsonant(i - 1),
            _ => true,
        };

        // m in Porter's [C](VC)^m[V], of the first `end` letters.
        private readonly int Measure(int end)
        {
            var n = 0;
            var i = 0;
            while (i < end && IsConsonant(i))
            {
                i++;
            }

            while (i < end)
            {
                while (i < end && !IsConsonant(i))
                {
                    i++;
                }

                if (i >= end)
                {
                    break;
                }

                n++;
                while (i < end && IsConsonant(i))
                {
                    i++;
                }
            }

            return n;
        }

        private readonly bool HasVowel(int end)
        {
            for (var i = 0; i < end; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        private readonly bool DoubleConsonant(int end) =>
            end >= 2 && _w[end - 1] == _w[end - 2] && IsConsonant(end - 1);

        // *o: the first `end` letters end consonant-vowel-consonant, the last not w, x or y.
        private readonly bool ConsonantVowelConsonant(int end) =>
            end >= 3 && IsConsonant(end - 3) && !IsConsonant(end - 2) && IsConsonant(end - 1) && _w[end - 1] is not ('w' or 'x' or 'y');
    }
}
