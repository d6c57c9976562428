<div style="padding: 24px; font-size: 12px; color: #7c7166; text-align: center;">
    <p>Maple &amp; Pine Home Goods &middot; 95 Wellington Street West, Toronto, ON M5J 2N7</p>
    <p><a href="{{ $unsubscribeUrl ?? route('newsletter.unsubscribe') }}" style="color: #7c7166;">Unsubscribe</a> from promotional emails.</p>
</div>
