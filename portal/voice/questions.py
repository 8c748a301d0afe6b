"""The questions, in plain words (about reading age 9), with their picture cards and scales.

Young people and parents answer the same topics (what section A of a plan holds), each in their own wording.
Every question can be answered by typing, by picking cards, with a file, and some with a 1 to 5 scale.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

YOUNG_PERSON = "young_person"
PARENT = "parent"
KINDS = (YOUNG_PERSON, PARENT)

# Picture cards: key -> (symbol file in static/images/cards/, label). The label is always shown as text.
CARDS = {
    "kind": ("heart", _l("Kind")),
    "funny": ("smile", _l("Funny")),
    "helpful": ("hands", _l("Helpful")),
    "good_friend": ("friends", _l("A good friend")),
    "creative": ("pencil", _l("Good at making things")),
    "sporty": ("ball", _l("Good at sport")),
    "animals": ("paw", _l("Good with animals")),
    "hard_working": ("star", _l("Tries hard")),
    "family": ("family", _l("Family")),
    "friends": ("friends", _l("Friends")),
    "pets": ("paw", _l("Pets")),
    "games": ("game", _l("Games")),
    "music": ("music", _l("Music")),
    "sport": ("ball", _l("Sport")),
    "outside": ("tree", _l("Being outside")),
    "quiet_time": ("moon", _l("Quiet time")),
    "learning": ("book", _l("Learning new things")),
    "job": ("work", _l("Having a job")),
    "own_home": ("house", _l("My own home")),
    "healthy": ("health", _l("Being healthy")),
    "explain_again": ("speech", _l("Explain things again")),
    "pictures": ("picture", _l("Show me pictures")),
    "quiet_place": ("moon", _l("A quiet place")),
    "extra_time": ("clock", _l("More time")),
    "breaks": ("pause", _l("Breaks")),
    "someone_to_talk_to": ("speech", _l("Someone to talk to")),
    "what_happens_next": ("calendar", _l("Tell me what happens next")),
    "help_reading": ("book", _l("Help with reading")),
    "help_writing": ("pencil", _l("Help with writing")),
    "noise": ("noise", _l("Noise")),
    "crowds": ("crowd", _l("Lots of people")),
    "reading": ("book", _l("Reading")),
    "writing": ("pencil", _l("Writing")),
    "changes": ("change", _l("Changes")),
    "making_friends": ("friends", _l("Making friends")),
    "waiting": ("clock", _l("Waiting")),
    "talking": ("speech", _l("Talking to new people")),
    "school": ("school", _l("School")),
    "college": ("school", _l("College")),
    "training": ("work", _l("Learning a job")),
    "paid_work": ("work", _l("A paid job")),
    "volunteering": ("hands", _l("Helping others")),
    "live_with_family": ("family", _l("Live with my family")),
    "live_with_friends": ("friends", _l("Live with friends")),
    "live_on_my_own": ("house", _l("Live on my own")),
    "clubs": ("ball", _l("Clubs")),
    "going_out": ("tree", _l("Going out")),
    "sleep": ("moon", _l("Sleeping well")),
    "food": ("apple", _l("Eating well")),
    "exercise": ("ball", _l("Keeping active")),
    "feelings": ("heart", _l("Feeling OK")),
}

# The 1 to 5 scale, shown as faces with words (never as colour alone).
SCALE = {
    1: ("face-1", _l("Very unhappy")),
    2: ("face-2", _l("Unhappy")),
    3: ("face-3", _l("OK")),
    4: ("face-4", _l("Happy")),
    5: ("face-5", _l("Very happy")),
}


@dataclass(frozen=True)
class Question:
    key: str
    picture: str
    young_person: object  # lazy strings: the question as a young person reads it
    parent: object  # ... and as a parent or carer reads it
    young_person_hint: object
    parent_hint: object
    cards: tuple[str, ...] = ()
    young_person_scale: object = None  # the scale question, when this topic has one
    parent_scale: object = None

    def title(self, kind: str) -> str:
        return str(self.parent if kind == PARENT else self.young_person)

    def hint(self, kind: str) -> str:
        return str(self.parent_hint if kind == PARENT else self.young_person_hint)

    def scale_question(self, kind: str) -> str | None:
        text = self.parent_scale if kind == PARENT else self.young_person_scale
        return str(text) if text else None


QUESTIONS = (
    Question(
        "like",
        "star",
        _l("What do people like about you?"),
        _l("What do people like and admire about your child?"),
        _l("What are you good at? What do people say is great about you?"),
        _l("Think about what family, friends and teachers say about them."),
        ("kind", "funny", "helpful", "good_friend", "creative", "sporty", "animals", "hard_working"),
    ),
    Question(
        "important_now",
        "heart",
        _l("What is important to you now?"),
        _l("What is important to your child now?"),
        _l("Think about the people and things you like most."),
        _l("The people, places and things that matter to them."),
        ("family", "friends", "pets", "games", "music", "sport", "outside", "quiet_time"),
    ),
    Question(
        "important_future",
        "calendar",
        _l("What will be important to you when you are older?"),
        _l("What is important for your child's future?"),
        _l("Think about what you want for yourself."),
        _l("Think about the next few years and adult life."),
        ("learning", "job", "own_home", "friends", "family", "healthy"),
    ),
    Question(
        "support",
        "hands",
        _l("How can people help you best?"),
        _l("How is your child best supported?"),
        _l("What helps you when you learn or when things are hard?"),
        _l("What works well at home, at school and elsewhere."),
        (
            "explain_again",
            "pictures",
            "quiet_place",
            "extra_time",
            "breaks",
            "someone_to_talk_to",
            "what_happens_next",
            "help_reading",
            "help_writing",
        ),
    ),
    Question(
        "hard",
        "change",
        _l("What do you find hard?"),
        _l("What does your child find hard?"),
        _l("It is OK to find things hard. Everyone does."),
        _l("What they find difficult, and when."),
        ("noise", "crowds", "reading", "writing", "changes", "making_friends", "waiting", "talking"),
    ),
    Question(
        "hopes_school",
        "school",
        _l("What do you hope for at school or college?"),
        _l("What are your hopes for your child at school or college?"),
        _l("What would make school or college good for you?"),
        _l("Learning, friendships, and the setting you hope for."),
        ("school", "college", "learning", "friends", "quiet_place", "clubs"),
        _l("How do you feel about school or college now?"),
        _l("How does your child feel about school or college now?"),
    ),
    Question(
        "hopes_work",
        "work",
        _l("What job would you like one day?"),
        _l("What are your hopes for your child's work in the future?"),
        _l("Any job you can think of. You can change your mind later."),
        _l("Work, training, volunteering or other ways to spend the day."),
        ("training", "paid_work", "volunteering", "college", "creative", "animals"),
    ),
    Question(
        "hopes_home",
        "house",
        _l("Where would you like to live when you are older?"),
        _l("Where do you hope your child will live as an adult?"),
        _l("Who would you like to live with?"),
        _l("Who with, and with what help."),
        ("live_with_family", "live_with_friends", "live_on_my_own", "pets"),
        _l("How do you feel about where you live now?"),
        _l("How does your child feel about where they live now?"),
    ),
    Question(
        "hopes_friends",
        "friends",
        _l("What do you hope for with friends?"),
        _l("What are your hopes for your child's friendships?"),
        _l("Think about friends now and friends you would like."),
        _l("Friends, clubs and time with other people."),
        ("making_friends", "clubs", "going_out", "games", "sport", "music"),
        _l("How do you feel about your friendships now?"),
        _l("How does your child feel about their friendships now?"),
    ),
    Question(
        "hopes_health",
        "health",
        _l("What do you hope for your health?"),
        _l("What are your hopes for your child's health?"),
        _l("How do you want to feel in your body and mind?"),
        _l("Physical and mental health, sleep and wellbeing."),
        ("sleep", "food", "exercise", "feelings", "quiet_time"),
        _l("How do you feel about your health now?"),
        _l("How does your child feel about their health now?"),
    ),
)
BY_KEY = {question.key: question for question in QUESTIONS}
KEYS = tuple(BY_KEY)


def next_key(key: str) -> str | None:
    """The question after this one, or None after the last."""
    index = KEYS.index(key)
    return KEYS[index + 1] if index + 1 < len(KEYS) else None


def previous_key(key: str) -> str | None:
    index = KEYS.index(key)
    return KEYS[index - 1] if index > 0 else None


def card_label(key: str) -> str:
    return str(CARDS[key][1]) if key in CARDS else key


def scale_label(value: int | None) -> str:
    return str(SCALE[value][1]) if value in SCALE else ""
