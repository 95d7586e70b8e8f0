"""A small valid card to break in tests, with its lines numbered for exact assertions."""

VALID_CARD_LINES = [
    "Should towns build more bike lanes?",  # 1
    "Many towns are debating whether to convert parking to protected bike lanes.",  # 2
    "Is street space a public good to be reallocated, or a settled expectation?",  # 3
    "Bike lanes empty shops: customers who drive cannot park, and sales fall.",  # 4 opening (C)
    "L",  # 5
    "Studies of retail streets find cyclists spend as much per month as drivers.",  # 6
    "Safety first",  # 7
    "L",  # 8
    "Protected lanes cut injuries for everyone on the street, drivers included.",  # 9
    "C",  # 10
    "Injury numbers fell before the lanes too; the trend started years earlier.",  # 11
    "Conservative's hardest question",  # 12
    "If lanes do save lives, is parking convenience worth any of them?",  # 13
    "Liberal's hardest question",  # 14
    "If shops close, who answers to the owners who warned us?",  # 15
    "The Divide",  # 16
    "*Both sides split on who the street is for.*",  # 17
    "SHOPKEEPERS",  # 18
    "Parking is our lifeline.",  # 19
    "“Customers drive here.” — A shop owner",  # 20
    "SAFETY ADVOCATES",  # 21
    "Every street should be safe to cross.",  # 22
    "Both sides agree: streets should be safe and shops should survive.",  # 23
    "The real conflict: FACT DISPUTE: whether lanes raise or lower retail sales.",  # 24
    "What nobody has answered: how to count the customers who never came.",  # 25
    "Sources",  # 26
    "City transport department report, 2024",  # 27
    "Local chamber of commerce survey, 2024",  # 28
]


def card(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def replaced(number: int, *new_lines: str) -> str:
    """The valid card with line ``number`` (1-based) replaced by ``new_lines`` (none: deleted)."""
    lines = list(VALID_CARD_LINES)
    lines[number - 1 : number] = list(new_lines)
    return card(lines)


# Author decoys ("Not said:" lines) for the valid card's two replies. Without them a card
# this small cannot give either reply three fair decoys (every other turn is already said
# or opens a thread), so a game would ask no predictions.
DECOYS_AFTER = {
    "Studies of retail streets find cyclists spend as much per month as drivers.": [
        "Not said: Shops on streets with new lanes report steady sales once construction ends.",
        "Not said: Most shoppers in town centers arrive on foot or by bus, not by car.",
        "Not said: Parking can move to side streets; a lane takes one row, not the whole block.",
    ],
    "Injury numbers fell before the lanes too; the trend started years earlier.": [
        "Not said: Injuries are down because cars are safer now, not because of the lanes.",
        "Not said: The lanes moved crashes to side streets; the total did not change.",
        "Not said: Drivers turning across a lane they cannot see cause new kinds of crashes.",
    ],
}


def with_decoys(lines: list[str]) -> list[str]:
    """``lines`` with author decoys after each of the valid card's replies that it contains."""
    result: list[str] = []
    for line in lines:
        result.append(line)
        result.extend(DECOYS_AFTER.get(line, []))
    return result
