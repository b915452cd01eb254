// Package lorem is Django's lorem ipsum generator (django.utils.lorem_ipsum),
// with its word lists and common paragraph, behind {% lorem %}.
package lorem

import (
	"iter"
	"math/rand/v2"
	"strings"
)

// CommonParagraph is Django's COMMON_P, the classic first paragraph.
const CommonParagraph = "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod " +
	"tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim " +
	"veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea " +
	"commodo consequat. Duis aute irure dolor in reprehenderit in voluptate " +
	"velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint " +
	"occaecat cupidatat non proident, sunt in culpa qui officia deserunt " +
	"mollit anim id est laborum."

// WordList is Django's WORDS, the pool random text is drawn from.
var WordList = [...]string{
	"exercitationem", "perferendis", "perspiciatis", "laborum", "eveniet",
	"sunt", "iure", "nam", "nobis", "eum", "cum", "officiis", "excepturi",
	"odio", "consectetur", "quasi", "aut", "quisquam", "vel", "eligendi",
	"itaque", "non", "odit", "tempore", "quaerat", "dignissimos",
	"facilis", "neque", "nihil", "expedita", "vitae", "vero", "ipsum",
	"nisi", "animi", "cumque", "pariatur", "velit", "modi", "natus",
	"iusto", "eaque", "sequi", "illo", "sed", "ex", "et", "voluptatibus",
	"tempora", "veritatis", "ratione", "assumenda", "incidunt", "nostrum",
	"placeat", "aliquid", "fuga", "provident", "praesentium", "rem",
	"necessitatibus", "suscipit", "adipisci", "quidem", "possimus",
	"voluptas", "debitis", "sint", "accusantium", "unde", "sapiente",
	"voluptate", "qui", "aspernatur", "laudantium", "soluta", "amet",
	"quo", "aliquam", "saepe", "culpa", "libero", "ipsa", "dicta",
	"reiciendis", "nesciunt", "doloribus", "autem", "impedit", "minima",
	"maiores", "repudiandae", "ipsam", "obcaecati", "ullam", "enim",
	"totam", "delectus", "ducimus", "quis", "voluptates", "dolores",
	"molestiae", "harum", "dolorem", "quia", "voluptatem", "molestias",
	"magni", "distinctio", "omnis", "illum", "dolorum", "voluptatum", "ea",
	"quas", "quam", "corporis", "quae", "blanditiis", "atque", "deserunt",
	"laboriosam", "earum", "consequuntur", "hic", "cupiditate",
	"quibusdam", "accusamus", "ut", "rerum", "error", "minus", "eius",
	"ab", "ad", "nemo", "fugit", "officia", "at", "in", "id", "quos",
	"reprehenderit", "numquam", "iste", "fugiat", "sit", "inventore",
	"beatae", "repellendus", "magnam", "recusandae", "quod", "explicabo",
	"doloremque", "aperiam", "consequatur", "asperiores", "commodi",
	"optio", "dolor", "labore", "temporibus", "repellat", "veniam",
	"architecto", "est", "esse", "mollitia", "nulla", "a", "similique",
	"eos", "alias", "dolore", "tenetur", "deleniti", "porro", "facere",
	"maxime", "corrupti",
}

// CommonWords is Django's COMMON_WORDS, the start of the common text.
var CommonWords = [...]string{
	"lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
	"adipisicing", "elit", "sed", "do", "eiusmod", "tempor", "incididunt",
	"ut", "labore", "et", "dolore", "magna", "aliqua",
}

// sample returns k distinct words chosen at random (Python's
// random.sample over WORDS).
func sample(k int) []string {
	out := make([]string, 0, k)
	for _, i := range rand.Perm(len(WordList))[:k] {
		out = append(out, WordList[i])
	}
	return out
}

// sentence returns a random sentence: 1 to 5 comma-separated sections
// of 3 to 12 words, capitalized, ending in "?" or ".".
func sentence() string {
	sections := make([]string, 1+rand.IntN(5))
	for i := range sections {
		sections[i] = strings.Join(sample(3+rand.IntN(10)), " ")
	}
	s := strings.Join(sections, ", ")
	end := "."
	if rand.IntN(2) == 0 {
		end = "?"
	}
	return strings.ToUpper(s[:1]) + s[1:] + end
}

// paragraph returns 1 to 4 random sentences.
func paragraph() string {
	sentences := make([]string, 1+rand.IntN(4))
	for i := range sentences {
		sentences[i] = sentence()
	}
	return strings.Join(sentences, " ")
}

// Paragraphs is Django's paragraphs(): count paragraphs, the first the
// common one when common is set.
func Paragraphs(count int, common bool) []string {
	var paras []string
	for p := range EachParagraph(count, common) {
		paras = append(paras, p)
	}
	return paras
}

// EachParagraph yields Paragraphs(count, common) one paragraph at a time,
// so that a large count is written as it is made, never held whole.
func EachParagraph(count int, common bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < count; i++ {
			p := CommonParagraph
			if !common || i > 0 {
				p = paragraph()
			}
			if !yield(p) {
				return
			}
		}
	}
}

// Words is Django's words(): count words, starting with the common
// words when common is set. Like Python's slicing, a negative count drops
// words from the end of the common words.
func Words(count int, common bool) string {
	var b strings.Builder
	for i, w := range EachWord(count, common) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// EachWord yields the words of Words(count, common) one at a time, with
// their index.
func EachWord(count int, common bool) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		var list []string
		if common {
			list = CommonWords[:]
		}
		c := len(list)
		if count <= c {
			end := count
			if end < 0 {
				end = max(c+end, 0)
			}
			list = list[:end]
		}
		n := 0
		for _, w := range list {
			if !yield(n, w) {
				return
			}
			n++
		}
		for count -= c; count > 0; {
			k := min(count, len(WordList))
			count -= k
			for _, w := range sample(k) {
				if !yield(n, w) {
					return
				}
				n++
			}
		}
	}
}
