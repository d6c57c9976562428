<?php

namespace App\Mail;

use Illuminate\Mail\Mailable;
use Illuminate\Mail\Mailables\Content;
use Illuminate\Mail\Mailables\Envelope;

class SeasonalPromotion extends Mailable
{
    public function __construct(public string $unsubscribeUrl) {}

    public function envelope(): Envelope
    {
        return new Envelope(subject: 'Winter warmers: 30% off wool throws');
    }

    public function content(): Content
    {
        return new Content(view: 'emails.promotion');
    }
}
