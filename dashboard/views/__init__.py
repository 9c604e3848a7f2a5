"""What a page, an export and the deck show of the data: rows shaped for a reader (labels, masked personal numbers,
the account's area applied), built from the query layer in dashboard/data/ and the rules in dashboard/access/."""
