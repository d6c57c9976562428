<x-mail::message>
# This week at Maple & Pine

New in: stoneware mugs in four glazes, a linen apron we can't stop wearing,
and 20% off all candles through Friday.

<x-mail::button :url="route('collections.show', 'new')">
Shop new arrivals
</x-mail::button>

<x-mail::subcopy>
You're receiving this because you subscribed to our weekly email.
[Unsubscribe]({{ $unsubscribeUrl }})
</x-mail::subcopy>
</x-mail::message>
